/**
 * Whether an Android phone has a screen lock, end to end through the CLI (in process): the demo
 * second phone handed over without a lock is reported (also when judged as a second phone), the
 * clean Pixel with a PIN is not, and the Android 10 phone, which never says which lock is set,
 * is "not evaluated" — never "no lock", and not a reason to call the whole scan incomplete.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FindingsDoc } from '../src/model/findings.js';
import type { AndroidSnapshot } from '../src/model/snapshot.js';
import { runCli, tempDir } from './helpers.js';

const RULE = 'posture.no-screen-lock';

async function scan(demo: string, ...more: string[]) {
  const out = join(tempDir('spycheck-screen-lock-'), 'bundle');
  const r = await runCli(['scan', '--demo', demo, '--out', out, '--format', 'json', ...more]);
  expect(r.code, r.stderr).toBe(0);
  const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDoc;
  const snapshot = JSON.parse(readFileSync(join(out, 'snapshot.json'), 'utf8')) as AndroidSnapshot;
  const check = snapshot.checks.find((c) => c.id === 'screen-lock');
  const hits = doc.findings.filter((f) => f.rule === RULE);
  return { doc, snapshot, check, hits };
}

describe('screen lock', () => {
  it('reports a phone with no screen lock, at medium', async () => {
    const { snapshot, check, hits, doc } = await scan('second-phone-a14');
    expect(snapshot.screenLock).toMatchObject({ userId: 0, credential: 'none' });
    expect(check?.status).toBe('ok');
    expect(hits).toHaveLength(1);
    expect(hits[0]?.severity).toBe('medium');
    expect(hits[0]?.subject.type).toBe('device');
    expect(doc.notEvaluated?.some((n) => n.rule === RULE) ?? false).toBe(false);
  });

  it('still reports it when the phone is judged as a second phone', async () => {
    const { hits } = await scan('second-phone-a14', '--purpose', 'second-phone');
    expect(hits.map((f) => f.severity)).toEqual(['medium']);
  });

  it('does not report a phone locked with a PIN (or a pattern)', async () => {
    const pixel = await scan('clean-pixel14');
    expect(pixel.snapshot.screenLock).toMatchObject({ credential: 'pin' });
    expect(pixel.check?.status).toBe('ok');
    expect(pixel.hits).toEqual([]);
    const samsung = await scan('infected-a12');
    expect(samsung.snapshot.screenLock).toMatchObject({ credential: 'pattern' });
    expect(samsung.hits).toEqual([]);
  });

  it('never reads an Android 10 phone as "no lock": the rule is not evaluated', async () => {
    const { snapshot, check, hits, doc } = await scan('old-a10');
    // Android 10 lists the user without a lock type
    expect(snapshot.screenLock?.credential).toBe('unknown');
    expect(check).toMatchObject({ status: 'not-checked', cause: 'unsupported' });
    expect(hits).toEqual([]);
    expect(doc.notEvaluated?.find((n) => n.rule === RULE)?.facts).toEqual(['screen_lock']);
    // a medium rule's gap does not make the scan incomplete
    expect(doc.incomplete).toBe(false);
  });

  it('never reads a hostile answer as "no lock"', async () => {
    const out = join(tempDir('spycheck-screen-lock-'), 'bundle');
    await runCli(['scan', '--demo', 'hostile-a13', '--out', out, '--format', 'json']);
    const snapshot = JSON.parse(
      readFileSync(join(out, 'snapshot.json'), 'utf8'),
    ) as AndroidSnapshot;
    const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDoc;
    expect(snapshot.screenLock?.credential).toBe('unknown');
    // kept as data: no escape or control character survives
    expect(snapshot.screenLock?.raw ?? '').not.toMatch(/[\u0000-\u001f\u007f\u202e]/);
    expect(snapshot.checks.find((c) => c.id === 'screen-lock')?.status).toBe('not-checked');
    expect(doc.findings.filter((f) => f.rule === RULE)).toEqual([]);
    expect(doc.notEvaluated?.some((n) => n.rule === RULE)).toBe(true);
  });
});
