import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliContext } from './context.js';
import { runWith } from './testContext.test-util.js';

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
/** One signing key for the file, as on one computer. */
const env = { SPYCHECK_CONFIG_DIR: temp('spycheck-scan-key-') };
const outDir = () => join(temp('spycheck-scan-cli-'), 'bundle');

/** A terminal whose keyboard answers each question when it is asked (as caseDetails tests do). */
function keyboard(answers: string[]): Pick<CliContext, 'stderr' | 'stdin' | 'interactive'> {
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stderr.on('data', (chunk: Buffer) => {
    if (/: $/.test(chunk.toString())) setImmediate(() => stdin.write(`${answers.shift() ?? ''}\n`));
  });
  return { stderr, stdin, interactive: true };
}

/** Runs with a keyboard, capturing what the terminal showed. */
async function runTyped(args: string[], answers: string[]) {
  const k = keyboard(answers);
  let shown = '';
  k.stderr.on('data', (c) => {
    shown += c;
  });
  const r = await runWith(args, { env, ...k });
  return { ...r, stderr: shown };
}

describe('scan --open', () => {
  it('opens report.html when the bundle is written; the exit code is the scan’s', async () => {
    const opened: string[] = [];
    const out = outDir();
    const r = await runWith(['scan', '--demo', '--out', out, '--format', 'html', '--open'], {
      env,
      openFile: async (p) => {
        opened.push(p);
      },
    });
    expect(r.code).toBe(0);
    expect(opened).toEqual([join(out, 'report.html')]);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('Opening the report in your web browser.');
  });

  it('a failure to open is one line, and changes nothing else', async () => {
    const out = outDir();
    const r = await runWith(['scan', '--demo', '--out', out, '--format', 'html', '--open'], {
      env,
      openFile: async () => {
        throw new Error('xdg-open is not installed on this computer');
      },
    });
    expect(r.code).toBe(0);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(
      `Could not open the report in a web browser: xdg-open is not installed on this computer. Open this file yourself: ${join(out, 'report.html')}`,
    );
  });

  it('no HTML report asked for: nothing is opened', async () => {
    const opened: string[] = [];
    const r = await runWith(['scan', '--demo', '--out', outDir(), '--format', 'json', '--open'], {
      env,
      openFile: async (p) => {
        opened.push(p);
      },
    });
    expect(r.code).toBe(0);
    expect(opened).toEqual([]);
    expect(r.stderr).toContain('There is no HTML report to open');
  });
});

describe('scan --demo --guided', () => {
  it('asks for the case reference, the examiner and consent, as a real scan does', async () => {
    const out = outDir();
    const r = await runTyped(
      ['scan', '--demo', '--guided', '--out', out, '--format', 'json'],
      ['TRAIN-1', 'Sam Jones', 'yes'],
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^Practice run: /m);
    expect(r.stderr).toContain('Case reference (press Enter to leave blank): ');
    expect(r.stderr).toContain('Your name (the person running this check): ');
    expect(r.stderr).toContain('Has the person who uses this phone agreed to this check');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.case).toEqual({ ref: 'TRAIN-1', examiner: 'Sam Jones', consent: true });
  });

  it('without consent nothing is read, exactly as in a real scan', async () => {
    const out = outDir();
    const r = await runTyped(
      ['scan', '--demo', '--guided', '--out', out, '--format', 'json'],
      ['TRAIN-2', 'Sam Jones', 'no'],
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Nothing was read.');
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
  });

  it('only asks what the command line did not give', async () => {
    const out = outDir();
    const r = await runTyped(
      ['scan', '--demo', '--guided', '--case', 'GIVEN', '--out', out, '--format', 'json'],
      ['Sam Jones', 'yes'],
    );
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('Case reference');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.case).toEqual({ ref: 'GIVEN', examiner: 'Sam Jones', consent: true });
  });

  it('needs a terminal: in a script it is a usage error and nothing starts', async () => {
    const out = outDir();
    const r = await runWith(['scan', '--demo', '--guided', '--out', out], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'spycheck scan --demo --guided asks questions, so it needs a terminal window to type the answers in. Run it in a terminal, or leave out --guided.\n',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('is for practice: without --demo it is a usage error', async () => {
    const r = await runWith(['scan', '--guided'], { env, interactive: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--guided is for practice, with --demo\./);
  });
});

describe('scan: what the terminal says', () => {
  it('says it is connecting first; --json keeps stdout to the findings', async () => {
    const r = await runWith(['scan', '--demo', '--out', outDir(), '--format', 'json', '--json'], {
      env,
    });
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe('Connecting to the simulated phone…');
    expect(JSON.parse(r.stdout)).toMatchObject({ schema: 1 });
    // not a terminal: stage lines only, no redrawn counts
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).toContain('  Reading the phone settings and app list\n');
  });

  it('on a terminal the counts redraw one line per stage', async () => {
    const r = await runWith(['scan', '--demo', '--out', outDir(), '--format', 'json'], {
      env,
      liveProgress: true,
    });
    expect(r.code).toBe(0);
    const screen = r.stderr.split('\n').map((l) => l.split('\r\x1b[K').at(-1));
    expect(screen).toContainEqual(
      expect.stringMatching(/^ {2}Reading the phone: step (\d+) of \1 \(/),
    );
    // copying app files counts apps and size; store apps are not hashed on the phone by default
    expect(screen).toContainEqual(
      expect.stringMatching(
        /^ {2}Checking who signed the apps not from a store: (\d+) of \1 \((\d+) of \2 KB\)$/,
      ),
    );
    expect(screen.some((l) => l?.includes('Checking app files'))).toBe(false);
  });
});
