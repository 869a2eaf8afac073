import { createInterface } from 'node:readline/promises';
import type { CaseDetails } from '../scan/scanPhone.js';
import type { CliContext } from './context.js';

/**
 * Chain-of-custody details. Missing ones are asked for on a terminal; in a
 * script they stay empty and the bundle says so, rather than blocking.
 */
export async function resolveCaseDetails(
  ctx: CliContext,
  given: { caseRef?: string; examiner?: string; consent?: boolean },
  input: NodeJS.ReadableStream = process.stdin,
): Promise<CaseDetails> {
  const details: CaseDetails = {
    ref: clean(given.caseRef),
    examiner: clean(given.examiner),
    consent: given.consent === true,
  };
  if (!ctx.interactive) return details;
  if (details.ref && details.examiner && details.consent) return details;
  const rl = createInterface({ input, output: ctx.stderr });
  try {
    if (!details.ref)
      details.ref = clean(await rl.question('Case reference (press Enter to leave blank): '));
    if (!details.examiner)
      details.examiner = clean(await rl.question('Your name (the person running this check): '));
    if (!details.consent) {
      const a = await rl.question(
        'Has the person who uses this phone agreed to this check, after you explained what it reads? (yes/no): ',
      );
      details.consent = /^\s*y(es)?\s*$/i.test(a);
    }
  } finally {
    rl.close();
  }
  return details;
}

function clean(s: string | undefined): string | undefined {
  const t = s
    ?.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .trim()
    .slice(0, 200);
  return t ? t : undefined;
}
