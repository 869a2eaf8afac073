import { describe, expect, it } from 'vitest';
import { analyzeSnapshot } from '../analyze/analyze.js';
import { compileRules } from '../analyze/compile.js';
import type { AndroidCollection, AndroidStepId } from '../model/androidCollection.js';
import { defaultRulesDir, loadRulePacks } from '../rules/load.js';
import { loadProfile } from '../sim/android/device.js';
import { assembleAndroidSnapshot } from './android.js';
import { ANDROID_STEPS } from './androidSteps.js';

/** A collection as the collector would make it, answered by a simulated phone's files. */
async function collectionFrom(
  profile: string,
  edit: Partial<Record<AndroidStepId, string>> = {},
): Promise<AndroidCollection> {
  const phone = await loadProfile(profile);
  const outputs: AndroidCollection['outputs'] = {};
  for (const [id, commands] of Object.entries(ANDROID_STEPS) as [
    AndroidStepId,
    readonly string[],
  ][]) {
    const command = commands[0]!;
    outputs[id] = { command, text: edit[id] ?? phone.shell(command).toString('utf8') };
  }
  return {
    serial: phone.serial,
    started: '2026-11-23T10:00:00.000Z',
    finished: '2026-11-23T10:00:01.000Z',
    complete: true,
    outputs,
    apkHashOutputs: [],
    apkCerts: {},
    notes: [],
    raw: [],
    stats: { roundTrips: 0, bytesRead: 0, wallMs: 0, apksPulled: 0 },
  };
}

const tool = { name: 'spycheck', version: 'test' };

describe('assembling a snapshot from what the phone said', () => {
  it('does not call every app hidden when the icon list comes back empty', async () => {
    const s = assembleAndroidSnapshot(
      await collectionFrom('dualuse-pixel7', { launcher: '' }),
      tool,
    );
    expect(s.apps.every((a) => a.launcher === 'unknown')).toBe(true);
    expect(s.checks.find((c) => c.id === 'launcher')).toMatchObject({ status: 'not-checked' });
    // and so the dual-use app is not raised to high for "hiding"
    const { packs } = await loadRulePacks([defaultRulesDir()]);
    const doc = analyzeSnapshot(s, compileRules(packs));
    expect(doc.findings.filter((f) => f.severity === 'high')).toEqual([]);
  });

  it('never reads an empty app list as a clean phone', async () => {
    const s = assembleAndroidSnapshot(
      await collectionFrom('clean-pixel14', { packages: '', packageDetails: '' }),
      tool,
    );
    expect(s.apps).toEqual([]);
    expect(s.complete).toBe(false);
    expect(s.checks.find((c) => c.id === 'apps')?.status).toBe('not-checked');
  });

  it('does not judge an app removed for the phone owner (only its data kept)', async () => {
    const c = await collectionFrom('dualuse-pixel7');
    const text = c.outputs.packageDetails!.text;
    const start = text.indexOf('Package [com.life360.android.safetymapd]');
    const userLine = text.indexOf('User 0:', start);
    c.outputs.packageDetails!.text =
      text.slice(0, userLine) + text.slice(userLine).replace('installed=true', 'installed=false');
    const s = assembleAndroidSnapshot(c, tool);
    expect(s.apps.find((a) => a.id === 'com.life360.android.safetymapd')?.installedForUser0).toBe(
      false,
    );
    const { packs } = await loadRulePacks([defaultRulesDir()]);
    const doc = analyzeSnapshot(s, compileRules(packs));
    expect(doc.findings.map((f) => f.subject.id)).not.toContain('com.life360.android.safetymapd');
  });

  it('marks the answers in flight when the phone went as possibly cut short', async () => {
    const c = await collectionFrom('infected-a12');
    c.complete = false;
    c.lostReason = 'The phone stopped answering during "dumpsys account"';
    c.suspectSteps = ['accounts'];
    const s = assembleAndroidSnapshot(c, tool);
    expect(s.checks.find((x) => x.id === 'accounts')).toMatchObject({
      status: 'partial',
      reason: expect.stringMatching(/cut short/),
    });
  });
});

describe('the phone clock in the Android snapshot', () => {
  const sent = '2026-11-23T10:00:00.100Z';
  const record = (durationMs: number) => ({
    record: {
      id: 'clock',
      command: 'date +%s.%N%z',
      file: '001-clock.txt',
      time: sent,
      durationMs,
      bytes: 26,
      sha256: '0'.repeat(64),
    },
    data: Buffer.alloc(0),
  });

  it('a phone 3 minutes fast: drift = phone − middle of the round trip, ± half of it', async () => {
    // the phone printed 10:03:12.130 (+00:00) during a 60 ms round trip from 10:00:00.100
    const c = await collectionFrom('infected-a12', { clock: '1795428192.130000000+0000\n' });
    c.raw = [record(60)];
    const s = assembleAndroidSnapshot(c, tool);
    expect(s.clock).toEqual({
      phoneUtc: '2026-11-23T10:03:12.130Z',
      laptopUtc: '2026-11-23T10:00:00.130Z',
      driftSeconds: 192,
      uncertaintySeconds: 0.031,
      roundTripMs: 60,
      zone: 'Europe/London',
      utcOffset: '+00:00',
      read: 'command',
    });
    expect(s.checks.map((x) => x.id)).not.toContain('clock');
  });

  it('a phone behind that prints whole seconds: negative drift, a second more uncertainty', async () => {
    const c = await collectionFrom('infected-a12', { clock: '1795427970.N+0000\n' });
    c.raw = [record(10)];
    const s = assembleAndroidSnapshot(c, tool);
    expect(s.clock?.driftSeconds).toBe(-30.105);
    expect(s.clock?.uncertaintySeconds).toBe(1.005);
  });

  it('a clock the phone would not give is a warning, never a check or a gap in the result', async () => {
    const c = await collectionFrom('infected-a12', {
      clock: '/system/bin/sh: date: inaccessible or not found\n',
    });
    c.raw = [record(10)];
    const s = assembleAndroidSnapshot(c, tool);
    expect(s.clock).toBeUndefined();
    expect(s.complete).toBe(true);
    expect(s.warnings.join('\n')).toMatch(/clock could not be read/);
    // the same blind spots (this hand-made reading hashed no APKs) as with the clock read
    const good = await collectionFrom('infected-a12', { clock: '1795428192.130000000+0000\n' });
    good.raw = [record(10)];
    const rules = compileRules((await loadRulePacks([defaultRulesDir()])).packs);
    const withClock = analyzeSnapshot(assembleAndroidSnapshot(good, tool), rules);
    const without = analyzeSnapshot(s, rules);
    expect(without.incomplete).toEqual(withClock.incomplete);
    expect(JSON.stringify(without.incomplete)).not.toMatch(/clock/);
    expect(without.findings.map((f) => f.id)).toEqual(withClock.findings.map((f) => f.id));
  });
});
