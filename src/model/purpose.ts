/**
 * Why a phone is checked, when that changes how strictly it is read. A covert second phone,
 * given to a survivor to keep secret, must stay clean: an account, an extra app or location
 * sharing that would be ordinary on an everyday phone can give it away.
 */
import type { Category } from './category.js';
import type { Severity } from './severity.js';

export const PURPOSES = ['second-phone'] as const;
export type Purpose = (typeof PURPOSES)[number];

export interface PurposeReading {
  /** how reports name it: "Checked as a second phone that must stay secret" */
  words: string;
  /** findings of these categories are at least `floor` on such a phone */
  floorCategories: readonly Category[];
  floor: Severity;
  /** why a finding was made more serious, said in its evidence */
  raisedBecause: string;
}

export const PURPOSE_READING: Record<Purpose, PurposeReading> = {
  'second-phone': {
    words: 'Checked as a second phone that must stay secret',
    // location sharing and family apps tell someone where the phone is: on a secret phone
    // that is never just information
    floorCategories: ['location-sharing', 'parental-control'],
    floor: 'medium',
    raisedBecause: 'this is a second phone that must stay secret',
  },
};

export function isPurpose(v: unknown): v is Purpose {
  return typeof v === 'string' && (PURPOSES as readonly string[]).includes(v);
}
