/**
 * Rules load while the phone's transport connects and lists (issue 11, "Start
 * fast"), and a broken pack still stops the scan as before: reported first,
 * before consent, with nothing read from the phone.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PhoneConnection, PhoneReading, Platform } from '../platform/platform.js';
import type { LoadedRules } from './loadRules.js';
import { loadRulesEarly, type ScanPhoneOptions, scanPhone } from './scanPhone.js';

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

function options(over: Partial<ScanPhoneOptions> = {}): ScanPhoneOptions {
  return {
    formats: ['json'],
    rules: [],
    defaultRules: true,
    env: { SPYCHECK_CONFIG_DIR: temp('spycheck-key-') },
    askCaseDetails: async () => {
      throw new Error('must not be asked');
    },
    out: join(temp('spycheck-scan-'), 'bundle'),
    ...over,
  };
}

/** A phone family that records the order of what it was asked; `list` may be replaced. */
function recordingPlatform(list: () => Promise<{ serial: string; state: string }[]>) {
  const calls: string[] = [];
  const platform: Platform<PhoneConnection, PhoneReading> = {
    id: 'android',
    async connect() {
      calls.push('connect');
      return {
        ok: true,
        describeError: (e) => `listing failed: ${e instanceof Error ? e.message : String(e)}`,
        close: async () => {
          calls.push('close');
        },
      };
    },
    async list() {
      calls.push('list');
      try {
        return await list();
      } finally {
        calls.push('listed');
      }
    },
    async collect() {
      calls.push('collect');
      throw new Error('must not be read');
    },
    assemble() {
      throw new Error('must not be assembled');
    },
  };
  return { platform, calls };
}

function brokenPack(): string {
  const pack = temp('spycheck-pack-');
  writeFileSync(
    join(pack, 'pack.yaml'),
    'schema: 1\nid: broken\nname: Broken\nversion: 1.0.0\nlicence: MIT\ndate: 2026-01-01\n',
  );
  mkdirSync(join(pack, 'rules'));
  writeFileSync(join(pack, 'rules', 'bad.yaml'), 'rules:\n  - id: x\n    title: [unclosed\n');
  return pack;
}

describe('rules load while the phone is reached', () => {
  it('lists the phones while the rules are still loading', async () => {
    // the rules finish only once the listing has: a scan that waited for the rules
    // before listing would never end
    let finish!: (r: LoadedRules) => void;
    const rulesLoading = new Promise<LoadedRules>((r) => {
      finish = r;
    });
    const { platform, calls } = recordingPlatform(async () => {
      finish({ ok: false, message: 'the rules said no' });
      return [{ serial: 'PHONE1', state: 'device' }];
    });
    const result = await scanPhone(platform, options({ rulesLoading }));
    expect(result).toEqual({ status: 'not-read', problem: 'error', message: 'the rules said no' });
    expect(calls).toEqual(['connect', 'list', 'listed', 'close']);
  });

  it('a broken pack is still reported before a listing problem, and nothing is read', async () => {
    const { platform, calls } = recordingPlatform(async () => {
      throw new Error('adb went away');
    });
    const result = await scanPhone(
      platform,
      options({ rules: [brokenPack()], defaultRules: false }),
    );
    expect(result).toMatchObject({ status: 'not-read', problem: 'error' });
    expect(result.status === 'not-read' && result.message).toMatch(/rule pack is broken/);
    expect(result.status === 'not-read' && result.message).toMatch(/bad\.yaml:\d+/);
    // the connection is closed only after the listing ended
    expect(calls).toEqual(['connect', 'list', 'listed', 'close']);
  });

  it('with good rules, a listing problem is said as before', async () => {
    const { platform, calls } = recordingPlatform(async () => {
      throw new Error('adb went away');
    });
    const result = await scanPhone(platform, options());
    expect(result).toEqual({
      status: 'not-read',
      problem: 'error',
      message: 'listing failed: adb went away',
    });
    expect(calls).toEqual(['connect', 'list', 'listed', 'close']);
  });

  it('a simulated phone loads its packs once started (it may bring a training pack)', async () => {
    expect(loadRulesEarly({ rules: [], defaultRules: true, demo: true })).toBeUndefined();
    const early = loadRulesEarly({ rules: [brokenPack()], defaultRules: false });
    expect(await early).toMatchObject({ ok: false });
  });
});
