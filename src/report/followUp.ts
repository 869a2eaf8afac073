/**
 * Report sections for a check that follows an earlier one (`scan --baseline`) and for a covert
 * second phone (`scan --purpose second-phone`): what changed since the last check, and the
 * hand-over checklist. Built from findings.json alone, so a report made later from the bundle
 * says the same.
 */
import type { BaselineComparison } from '../model/baseline.js';
import { isPurpose, PURPOSE_READING, type Purpose } from '../model/purpose.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import { ukDate, ukDateTime } from '../util/dates.js';
import { cleanText } from '../util/sanitize.js';

export interface SinceChange {
  severity: Severity;
  /** "Serious", "Could track or control you", "Worth a look", "For information" */
  severityLabel: string;
  words: string;
}

export interface SinceSection {
  /** "Since the last check on 20 May 2024" */
  heading: string;
  /** said before any change: an earlier bundle that did not verify, parts not compared */
  notes: string[];
  changes: SinceChange[];
  /** when nothing changed: what that does and does not mean */
  none?: string;
  /** safety-first words, when a change needs acting on */
  safety?: string;
  /** for the evidence annex: which bundle was compared with */
  evidence: [string, string][];
}

const LABEL: Record<Severity, string> = {
  high: 'Serious',
  medium: 'Could track or control you',
  low: 'Worth a look',
  info: 'For information',
};

const t = (s: unknown, max = 600) => cleanText(s, { maxLength: max });

/** Parts of a check the diff does not compare (src/analyze/diff.ts): shown as they are now. */
export const NOT_COMPARED_BETWEEN_CHECKS =
  'Not compared between the two checks: watches and other linked devices, VPN, proxy and private DNS, other users, keyboards, the apps that handle texts and calls, and the screen lock. This report shows them as they are now.';

export function sinceSection(b: BaselineComparison | undefined): SinceSection | undefined {
  if (!b || typeof b !== 'object') return undefined;
  const date = ukDate(b.finished);
  const heading = date ? `Since the last check on ${date}` : 'Since the last check';
  const notes: string[] = [];
  const evidence: [string, string][] = [
    ['Compared with', `the bundle whose manifest.json has SHA-256 ${t(b.manifestSha256, 80)}`],
    ['Earlier check ended', ukDateTime(b.finished) ?? 'not known'],
    ['Earlier bundle verified', b.verified === true ? 'yes' : 'NO'],
  ];
  if (b.caseRef) evidence.push(['Earlier case reference', t(b.caseRef, 80)]);
  if (b.verified !== true) {
    notes.push(
      'Warning: the earlier check’s files did not pass their safety check (they may have been changed since), so these changes cannot be relied on.',
    );
  }
  if (b.samePhone !== true) {
    notes.push(
      `The earlier check was of another phone${b.otherSerial ? ` (serial ${t(b.otherSerial, 80)})` : ''}, so nothing was compared.`,
    );
    return { heading, notes, changes: [], evidence };
  }
  const notCompared = Array.isArray(b.notCompared) ? b.notCompared.map((n) => t(n, 200)) : [];
  if (notCompared.length > 0) {
    notes.push(
      `Not compared, because one of the two checks could not read it: ${notCompared.join('; ')}.`,
    );
  }
  // what a follow-up never compares is said too, so "nothing changed" is not read as covering it
  notes.push(NOT_COMPARED_BETWEEN_CHECKS);
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  const changes = (Array.isArray(b.changes) ? b.changes : [])
    .filter((c) => c && SEVERITIES.includes(c.severity))
    .map((c) => ({ severity: c.severity, severityLabel: LABEL[c.severity], words: t(c.words) }))
    .sort((x, y) => rank(x.severity) - rank(y.severity));
  const serious = changes.some((c) => c.severity === 'high' || c.severity === 'medium');
  return {
    heading,
    notes,
    changes,
    ...(changes.length === 0
      ? {
          none:
            notCompared.length > 0
              ? 'In what both checks could read, nothing changed. This does not prove nothing changed.'
              : 'Nothing changed in the apps, accounts, special access and security settings spycheck compares. This does not prove the phone is safe.',
        }
      : {}),
    ...(serious
      ? {
          safety:
            'A change that appeared while someone else had the phone is a strong sign. Before changing anything, talk to your support worker: removing an app or changing a setting may alert the person who did it.',
        }
      : {}),
    evidence,
  };
}

export interface PurposeSection {
  /** said in the headline: "This was checked as a second phone that must stay secret." */
  words: string;
  /** what the stricter reading means, under the headline */
  note: string;
  /** the hand-over checklist */
  checklist: { title: string; items: string[] }[];
}

export function purposeSection(
  purpose: unknown,
  platform: 'android' | 'ios',
): PurposeSection | undefined {
  if (!isPurpose(purpose)) return undefined;
  return PURPOSE_SECTIONS[purpose](platform);
}

const PURPOSE_SECTIONS: Record<Purpose, (platform: 'android' | 'ios') => PurposeSection> = {
  'second-phone': (platform) => ({
    words: `${PURPOSE_READING['second-phone'].words}.`,
    note:
      platform === 'ios'
        ? 'On a phone that must stay secret, any app added after the hand-over, location sharing and Find My count as problems, even when they would be normal on an everyday phone.'
        : 'On a phone that must stay secret, any account, any app added after the hand-over, location sharing, backup and USB debugging count as problems, even when they would be normal on an everyday phone.',
    checklist: [
      {
        title: 'The phone should have',
        items: [
          'A screen lock (a PIN or password) that only you know, and that is not the same as on your everyday phone.',
          platform === 'ios'
            ? 'No Apple Account, or a new one made only for this phone, whose password only you know.'
            : 'No Google or other account, or a new one made only for this phone, whose password only you know.',
          'Only the apps you need. Every app should be one you chose.',
          'Location sharing, backup and Find My turned off, unless your support worker says to keep one on.',
        ],
      },
      {
        title: 'The phone should not have',
        items: [
          'Your everyday accounts (Google, Apple, WhatsApp, Facebook): signing in links this phone to your everyday phone.',
          'Apps or accounts the other person knows, uses or gave you.',
          platform === 'ios'
            ? 'A computer it trusts, other than this one during the check.'
            : 'USB debugging or Developer options on after this check.',
          'Contacts or photos copied from your everyday phone.',
        ],
      },
      {
        title: 'Keeping it hidden',
        items: [
          'Turn off notifications on the lock screen, so messages do not show when the screen lights up.',
          'Set it to silent with vibration off, and choose a ringtone unlike your everyday phone’s.',
          'Charge it somewhere the other person does not go, not beside your everyday phone.',
          'Do not use the same Wi-Fi names, Bluetooth devices or smartwatch as your everyday phone.',
          'Bring it back for a check at every visit, and after anyone else has held it.',
        ],
      },
    ],
  }),
};
