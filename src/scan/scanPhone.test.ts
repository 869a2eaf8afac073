import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANDROID_STEP_IDS } from '../model/androidCollection.js';
import { android } from '../platform/android/platform.js';
import type { PhoneConnection, PhoneReading, Platform } from '../platform/platform.js';
import {
  type ProgressCount,
  type ScanPhoneOptions,
  type ScanProgress,
  scanPhone,
} from './scanPhone.js';

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

function options(over: Partial<ScanPhoneOptions> = {}): ScanPhoneOptions {
  return {
    formats: ['json'],
    rules: [],
    defaultRules: true,
    env: { SPYCHECK_CONFIG_DIR: temp('spycheck-key-') },
    askCaseDetails: async () => ({ consent: true }),
    out: join(temp('spycheck-scan-'), 'bundle'),
    ...over,
  };
}

/** A phone family that only counts what it was asked to do. */
function countingPlatform() {
  const calls = { connect: 0, list: 0, collect: 0, close: 0 };
  const platform: Platform<PhoneConnection, PhoneReading> = {
    id: 'android',
    async connect() {
      calls.connect++;
      return {
        ok: true,
        describeError: (e) => String(e),
        close: async () => {
          calls.close++;
        },
      };
    },
    async list() {
      calls.list++;
      return [{ serial: 'PHONE1', state: 'device' }];
    },
    async collect() {
      calls.collect++;
      throw new Error('must not be read');
    },
    assemble() {
      throw new Error('must not be assembled');
    },
  };
  return { platform, calls };
}

describe('scanPhone', () => {
  it('reads nothing without consent, and closes the connection', async () => {
    const { platform, calls } = countingPlatform();
    const result = await scanPhone(
      platform,
      options({ askCaseDetails: async () => ({ consent: false }) }),
    );
    expect(result).toEqual({ status: 'no-consent' });
    expect(calls).toEqual({ connect: 1, list: 1, collect: 0, close: 1 });
  });

  it('says why no phone can be chosen, as a result rather than output', async () => {
    const { platform, calls } = countingPlatform();
    const result = await scanPhone(platform, options({ serial: 'OTHER' }));
    expect(result).toMatchObject({ status: 'not-read', problem: 'error' });
    expect(calls.collect).toBe(0);
  });

  it('a stop request keeps what was read: saved, signed, marked incomplete', async () => {
    const progress: ScanProgress[] = [];
    const controller = new AbortController();
    controller.abort('The scan was stopped before it finished (Ctrl-C)');
    const result = await scanPhone(android, options({ demo: true }), {
      signal: controller.signal,
      onProgress: (p) => progress.push(p),
    });
    expect(result.status).toBe('saved');
    if (result.status !== 'saved') return;
    expect(result.complete).toBe(false);
    expect(result.snapshot.checks.some((c) => c.cause === 'stopped')).toBe(true);
    expect(progress.filter((p) => p.kind === 'phase').map((p) => p.phase)).toEqual([
      'reading',
      'judging',
      'saving',
      'done',
    ]);
    expect(progress[0]).toEqual({
      kind: 'status',
      message: 'Demo: scanning the simulated phone "infected-a12". No real phone is read.',
    });
  });

  it('counts the long stages of an Android reading, each up to its total', async () => {
    const progress: ScanProgress[] = [];
    const result = await scanPhone(android, options({ demo: true }), {
      onProgress: (p) => progress.push(p),
    });
    expect(result.status).toBe('saved');
    const counts = progress.filter(
      (p): p is Extract<ScanProgress, { kind: 'count' }> => p.kind === 'count',
    );
    const stage = (s: ProgressCount['stage']) => counts.filter((c) => c.stage === s);
    // every step once, in order, each naming the step it finished
    expect(stage('steps').map((c) => c.done)).toEqual(ANDROID_STEP_IDS.map((_, i) => i + 1));
    expect(new Set(stage('steps').map((c) => c.item))).toEqual(new Set(ANDROID_STEP_IDS));
    expect(stage('steps').every((c) => c.total === ANDROID_STEP_IDS.length)).toBe(true);
    const signers = stage('signers');
    expect(signers.length).toBeGreaterThan(1);
    const last = signers.at(-1)!;
    expect(last.done).toBe(last.total);
    // counts only go up, in apps and in bytes copied
    expect(signers.map((c) => c.done)).toEqual(signers.map((c) => c.done).sort((a, b) => a - b));
    const bytes = signers.map((c) => c.bytesDone ?? -1);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(last.bytesDone).toBe(last.bytesTotal);
    expect(last.bytesTotal).toBeGreaterThan(0);
    // each count also says itself in words, for a front end that shows messages only
    expect(last.message).toMatch(
      /^Checking who signed the apps not from a store: (\d+) of \1 \(\d+ of \d+ KB\)$/,
    );
    // store apps are not fingerprinted on the phone unless asked (--hash-all-apps)
    expect(stage('app-files')).toEqual([]);
  });

  it('with hashAllApps says how long hashing on the phone should take, then counts it', async () => {
    const progress: ScanProgress[] = [];
    const result = await scanPhone(android, options({ demo: true, hashAllApps: true }), {
      onProgress: (p) => progress.push(p),
    });
    expect(result.status).toBe('saved');
    const estimate = progress.findIndex(
      (p) => p.kind === 'step' && /^Hashing \d+ app files on the phone: /.test(p.message),
    );
    expect(estimate).toBeGreaterThan(-1);
    expect((progress[estimate] as { message: string }).message).toMatch(/300 MB\/s/);
    const files = progress.filter(
      (p): p is Extract<ScanProgress, { kind: 'count' }> =>
        p.kind === 'count' && p.stage === 'app-files',
    );
    // the estimate comes before the first count; the counts go up to their total
    expect(progress.indexOf(files[0]!)).toBeGreaterThan(estimate);
    expect(files.at(-1)?.done).toBe(files.at(-1)?.total);
    expect(files.at(-1)?.message).toMatch(/^Checking app files: (\d+) of \1$/);
    if (result.status !== 'saved') return;
    const storeApps = result.snapshot.apps.filter(
      (a) => 'installerClass' in a && a.installerClass === 'store',
    );
    expect(storeApps.length).toBeGreaterThan(0);
    expect(storeApps.every((a) => 'apkSha256' in a && a.apkSha256)).toBe(true);
  });

  it('a demo asks nothing, unless it is guided: then it asks as a real scan does', async () => {
    let asked = 0;
    const ask = async () => {
      asked++;
      return { ref: 'TRAIN', examiner: 'Sam', consent: false };
    };
    expect(
      await scanPhone(android, options({ demo: true, guided: true, askCaseDetails: ask })),
    ).toEqual({ status: 'no-consent' });
    expect(asked).toBe(1);
  });
});
