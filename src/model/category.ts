/**
 * Every finding category (findings.json contract), most serious kind first:
 * known spyware before posture notes. Reports group by this order and
 * analyze uses it to choose which rule explains a finding, so the two can
 * never disagree.
 */
export const CATEGORIES = [
  'stalkerware',
  'root-jailbreak',
  'behaviour',
  'watchware',
  'remote-access',
  'location-sharing',
  'parental-control',
  'dual-use',
  'anti-theft',
  'smart-home',
  'device-posture',
] as const;
export type Category = (typeof CATEGORIES)[number];
