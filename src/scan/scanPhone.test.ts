import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { android } from '../platform/android/platform.js';
import type { PhoneConnection, PhoneReading, Platform } from '../platform/platform.js';
import { type ScanPhoneOptions, type ScanProgress, scanPhone } from './scanPhone.js';

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
});
