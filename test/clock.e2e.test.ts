/**
 * End to end: the phone's clock against the computer's, as the police annex needs it. The demo
 * phones' clocks are off by their profile's `clock.offsetSeconds` (infected-a12 192 s fast,
 * ios-infected 95 s slow), read over the real protocols by a whole `spycheck scan`.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANDROID_COMMANDS } from '../src/device/android/commands.js';
import type { Snapshot } from '../src/model/snapshot.js';
import { snapshotSchema } from '../src/snapshot/schema.js';
import { runCli, tempDir } from './helpers.js';

const tmp = tempDir('spycheck-clock-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function snapshotOf(dir: string): Snapshot {
  const s = JSON.parse(readFileSync(join(dir, 'snapshot.json'), 'utf8')) as Snapshot;
  expect(snapshotSchema.safeParse(s).success).toBe(true);
  return s;
}

describe('the phone clock in a scan', () => {
  it('Android demo (infected-a12): the clock runs about 192 s fast, read by date', async () => {
    const out = join(tmp, 'android');
    const r = await runCli(['scan', '--demo', '--consent', '--out', out, '--format', 'text']);
    expect(r.stderr).not.toMatch(/Error/);
    const s = snapshotOf(out);
    expect(s.platform).toBe('android');
    const c = s.clock!;
    expect(c).toMatchObject({ read: 'command', zone: 'Europe/London' });
    expect(c.utcOffset).toMatch(/^\+0[01]:00$/);
    expect(Math.abs(c.driftSeconds - 192)).toBeLessThanOrEqual(c.uncertaintySeconds + 2);
    expect(c.uncertaintySeconds).toBeLessThan(5);
    expect((Date.parse(c.phoneUtc) - Date.parse(c.laptopUtc)) / 1000).toBe(c.driftSeconds);
    // the laptop's time lies within the scan, and the answer is kept as evidence
    expect(Date.parse(c.laptopUtc)).toBeGreaterThanOrEqual(Date.parse(s.started));
    expect(Date.parse(c.laptopUtc)).toBeLessThanOrEqual(Date.parse(s.finished));
    const rec = s.raw.find((x) => x.id === 'clock');
    expect(rec?.command).toBe(ANDROID_COMMANDS.clock);
    expect(readFileSync(join(out, 'raw', rec!.file), 'utf8')).toMatch(/^\d+\.\d{9}\+0[01]00\n$/);
    // an evidence detail: no check reads it, and it never makes the scan incomplete
    expect(s.checks.map((x) => x.id)).not.toContain('clock');
    expect(s.complete).toBe(true);
  });

  it('iPhone demo (ios-infected): the clock runs about 95 s slow, read from lockdown', async () => {
    const out = join(tmp, 'ios');
    const r = await runCli([
      'scan',
      '--demo',
      'ios-infected',
      '--consent',
      '--out',
      out,
      '--format',
      'text',
    ]);
    expect(r.stderr).not.toMatch(/Error/);
    const s = snapshotOf(out);
    expect(s.platform).toBe('ios');
    const c = s.clock!;
    expect(c).toMatchObject({ read: 'lockdown', zone: 'Europe/London' });
    expect(c.utcOffset).toMatch(/^\+0[01]:00$/);
    expect(Math.abs(c.driftSeconds + 95)).toBeLessThanOrEqual(c.uncertaintySeconds + 2);
    expect(c.uncertaintySeconds).toBeLessThan(5);
    expect(s.raw.map((x) => x.command)).toContain('lockdownd GetValue TimeIntervalSince1970');
    if (s.platform === 'ios') expect(s.device.missingValues).toEqual([]);
  });

  it('an old bundle without a clock still loads', () => {
    const s = snapshotOf(join(tmp, 'android'));
    const { clock: _gone, ...old } = s;
    expect(snapshotSchema.safeParse(old).success).toBe(true);
  });
});
