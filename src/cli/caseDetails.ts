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
  // Ctrl-D or the end of the input leaves the answer blank (and so no consent), rather than
  // ending spycheck with an error or waiting for ever
  let ended = false;
  const closed = new Promise<undefined>((done) =>
    rl.once('close', () => {
      ended = true;
      done(undefined);
    }),
  );
  const ask = async (question: string): Promise<string> => {
    if (ended) return '';
    const answer = await Promise.race([rl.question(question), closed]).catch(() => undefined);
    if (answer !== undefined) return answer;
    ended = true;
    ctx.stderr.write('\n');
    return '';
  };
  try {
    if (!details.ref)
      details.ref = clean(await ask('Case reference (press Enter to leave blank): '));
    if (!details.examiner)
      details.examiner = clean(await ask('Your name (the person running this check): '));
    if (!details.consent) {
      const a = await ask(
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
