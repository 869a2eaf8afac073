import type { Category } from '../analyze/types.js';

/** Every finding category (findings.json contract), in the order reports list them. */
export const CATEGORIES = [
  'stalkerware',
  'watchware',
  'dual-use',
  'location-sharing',
  'parental-control',
  'remote-access',
  'anti-theft',
  'smart-home',
  'root-jailbreak',
  'device-posture',
  'behaviour',
] as const satisfies readonly Category[];

// Fails to compile if analyze/types.ts gains a category this list lacks.
type Missing = Exclude<Category, (typeof CATEGORIES)[number]>;
const _complete: Missing extends never ? true : false = true;
void _complete;
