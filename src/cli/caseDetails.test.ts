import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { resolveCaseDetails } from './caseDetails.js';
import type { CliContext } from './context.js';

function ctx(interactive: boolean): CliContext & { err: () => string } {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (c) => {
    text += c;
  });
  return {
    stdout: new PassThrough(),
    stderr,
    env: {},
    interactive,
    color: false,
    exit: () => {},
    err: () => text,
  };
}

describe('chain-of-custody details', () => {
  it('asks on a terminal for what is missing', async () => {
    const c = ctx(true);
    // answer each question when it is asked, as a person at the keyboard would
    const input = new PassThrough();
    const answers = ['REF-42\n', 'Sam Jones\n', 'yes\n'];
    c.stderr.on('data', (chunk: Buffer) => {
      if (/: $/.test(chunk.toString())) setImmediate(() => input.write(answers.shift() ?? '\n'));
    });
    const d = await resolveCaseDetails(c, {}, input);
    expect(d).toEqual({ ref: 'REF-42', examiner: 'Sam Jones', consent: true });
    expect(c.err()).toMatch(/agreed to this check/);
  });

  it('records consent as not given when the input ends without an answer', async () => {
    const d = await resolveCaseDetails(
      ctx(true),
      { caseRef: 'R', examiner: 'E' },
      Readable.from(['maybe\n']),
    );
    expect(d.consent).toBe(false);
  });

  it('input that ends half way (Ctrl-D) leaves the rest blank: no consent, no crash', async () => {
    const c = ctx(true);
    const input = new PassThrough();
    c.stderr.on('data', (chunk: Buffer) => {
      if (/Case reference/.test(chunk.toString())) setImmediate(() => input.write('REF-9\n'));
      if (/Your name/.test(chunk.toString())) setImmediate(() => input.end());
    });
    const d = await resolveCaseDetails(c, {}, input);
    expect(d).toEqual({ ref: 'REF-9', consent: false });
  });

  it('never blocks a script: nothing is asked without a terminal', async () => {
    const c = ctx(false);
    const d = await resolveCaseDetails(c, { examiner: 'E' });
    expect(d).toEqual({ examiner: 'E', consent: false });
    expect(c.err()).toBe('');
  });

  it('strips control characters from what is typed', async () => {
    const d = await resolveCaseDetails(ctx(false), {
      caseRef: 'A\u001b[2JB\u0007',
      examiner: '  ',
    });
    expect(d.ref).toBe('A[2JB');
    expect(d.examiner).toBeUndefined();
  });
});
