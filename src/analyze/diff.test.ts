import { describe, expect, it } from 'vitest';
import type { AndroidApp, AndroidSnapshot } from '../model/snapshot.js';
import { sampleSnapshot } from '../report/testdata/sample.js';
import { diffSnapshots } from './diff.js';

const clone = <T>(x: T): T => structuredClone(x);

/** A snapshot with every check ok, so every part can be compared. */
function fullyRead(over: Partial<AndroidSnapshot> = {}): AndroidSnapshot {
  const s = sampleSnapshot({ adbKeys: [], ...over });
  s.checks = s.checks.map((c) => ({ ...c, status: 'ok', reason: undefined }));
  return s;
}

function newApp(id: string, over: Partial<AndroidApp> = {}): AndroidApp {
  return {
    id,
    installerClass: 'sideloaded',
    system: false,
    updatedSystem: false,
    apkPaths: [`/data/app/${id}-1/base.apk`],
    permissions: { requested: [], install: [], runtime: [] },
    launcher: 'visible',
    ...over,
  };
}

describe('diffSnapshots', () => {
  it('finds nothing between two checks that saw the same phone', () => {
    const a = fullyRead();
    expect(diffSnapshots(a, clone(a))).toEqual({ changes: [], notCompared: [] });
  });

  it('names a monitoring app with screen access, an added account and Play Protect off, and nothing else', () => {
    const before = fullyRead({
      settings: { secure: {}, global: { package_verifier_enable: '1' }, system: {} },
    });
    const after = clone(before);
    after.apps.push(newApp('com.monitor.pro', { label: 'Phone Guard', launcher: 'hidden' }));
    after.accessibilityServices.push({
      package: 'com.monitor.pro',
      component: 'com.monitor.pro.A',
      raw: 'com.monitor.pro/.A',
    });
    after.accounts.push({ type: 'com.google', name: 'watcher@example.com' });
    after.settings.global.package_verifier_enable = '0';
    // a store app updated in between is information, not news about spying
    const { changes } = diffSnapshots(before, after);
    expect(changes.map((c) => [c.kind, c.subject.id, c.severity])).toEqual([
      ['app-installed', 'com.monitor.pro', 'high'],
      ['account-added', 'watcher@example.com', 'medium'],
      ['setting-changed', 'global.package_verifier_enable', 'medium'],
    ]);
    expect(changes[0]?.words).toBe(
      'New app since the last check: Phone Guard (com.monitor.pro), not from an app store. It can see the screen and what you type (accessibility).',
    );
    expect(changes[2]?.before).toBe('1');
    expect(changes[2]?.after).toBe('0');
  });

  it('says a new signer on the same app loudly, and an update quietly', () => {
    const cert = (sha256: string) => ({ sha1: 'AA', sha256 });
    const before = fullyRead();
    before.apps[0]!.certs = [cert('11'.repeat(32))];
    before.apps[0]!.versionCode = 5;
    const after = clone(before);
    after.apps[0]!.certs = [cert('22'.repeat(32))];
    after.apps[0]!.versionCode = 6;
    const kinds = diffSnapshots(before, after).changes.map((c) => [c.kind, c.severity]);
    expect(kinds).toEqual([
      ['app-resigned', 'high'],
      ['app-updated', 'info'],
    ]);
  });

  it('never says "no change" about a part one of the checks could not read', () => {
    const before = fullyRead();
    const after = clone(before);
    after.accounts.push({ type: 'com.google', name: 'watcher@example.com' });
    const acc = after.checks.find((c) => c.id === 'apps')!;
    acc.status = 'not-checked';
    const unread = diffSnapshots(before, after);
    expect(unread.changes.filter((c) => c.kind === 'app-installed')).toEqual([]);
    expect(unread.notCompared).toContain('the list of apps');
  });

  it('hides nothing: an icon hidden, a permission and a trusted computer added', () => {
    const before = fullyRead();
    const after = clone(before);
    const life = after.apps.find((a) => a.id === 'com.life360.android.safetymapd')!;
    life.launcher = 'hidden';
    life.permissions.runtime.push({ name: 'android.permission.RECORD_AUDIO', granted: true });
    after.adbKeys = [{ name: 'someone@laptop', fingerprint: 'AB:CD' }];
    const got = diffSnapshots(before, after).changes.map((c) => [c.kind, c.severity]);
    expect(got).toEqual([
      ['computer-trusted', 'medium'],
      ['icon-hidden', 'medium'],
      ['permission-granted', 'low'],
    ]);
  });

  it("reads a setting the phone never had as Android's default, as the rules do", () => {
    // a phone that never had the key: Play Protect checks are on, unknown sources off
    const before = fullyRead({
      settings: { secure: { android_id: 'x' }, global: { wifi_on: '1' }, system: {} },
    });
    const after = clone(before);
    after.settings.global.package_verifier_enable = '0';
    after.settings.secure.install_non_market_apps = '1';
    after.settings.global.adb_enabled = '0';
    const got = diffSnapshots(before, after).changes;
    expect(got.map((c) => [c.kind, c.subject.id, c.before, c.after, c.severity])).toEqual([
      ['setting-changed', 'global.package_verifier_enable', '1', '0', 'medium'],
      ['setting-changed', 'secure.install_non_market_apps', '0', '1', 'low'],
    ]);
    expect(got[0]?.words).toBe('Play Protect app checks were turned off since the last check.');
    // set back to what Android does without the key: said as turned back on, quietly
    const back = diffSnapshots(after, before).changes.map((c) => [c.subject.id, c.severity]);
    expect(back).toEqual([
      ['global.package_verifier_enable', 'info'],
      ['secure.install_non_market_apps', 'info'],
    ]);
    // the key written with its default value is no change
    const same = clone(before);
    same.settings.global.package_verifier_enable = '1';
    same.settings.global.development_settings_enabled = '0';
    expect(diffSnapshots(before, same).changes).toEqual([]);
  });

  it('never reads a setting table that was not read as holding the defaults', () => {
    const before = fullyRead({ settings: { secure: {}, global: {}, system: {} } });
    const after = clone(before);
    after.settings.global = { package_verifier_enable: '0' };
    after.settings.secure = { install_non_market_apps: '1' };
    expect(diffSnapshots(before, after).changes).toEqual([]);
    expect(diffSnapshots(after, before).changes).toEqual([]);
  });

  it('refuses to compare an Android check with an iPhone one', () => {
    const a = fullyRead();
    const ios = { ...clone(a), platform: 'ios' } as unknown as Parameters<typeof diffSnapshots>[1];
    const d = diffSnapshots(a, ios);
    expect(d.changes).toEqual([]);
    expect(d.notCompared[0]).toMatch(/Android.*iPhone/);
  });
});
