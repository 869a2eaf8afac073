/**
 * End to end: a simulated iPhone behind a fake usbmuxd (real lockdown, TLS
 * and service protocols) → appium-ios-device → the read-only door → the
 * iOS Snapshot → the shipped rules → findings, bundle and reports, through
 * the same `spycheck scan` a caseworker runs. The simulator's log proves
 * only allowlisted reads were sent.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Finding, FindingsDoc } from '../src/model/findings.js';
import type { IosSnapshot } from '../src/model/snapshot.js';
import { type FakeAdbServer, startFakeAdbServer } from '../src/sim/android/fakeAdbServer.js';
import { type IosProfile, loadIosProfile } from '../src/sim/ios/profile.js';
import { type FakeUsbmuxd, startFakeUsbmuxd } from '../src/sim/ios/usbmuxd.js';
import { snapshotSchema } from '../src/snapshot/schema.js';
import { expectOnlyAllowedIosReads, runCli } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'spycheck-ios-scan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let sim: FakeUsbmuxd | undefined;
let adb: FakeAdbServer | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await adb?.close();
  adb = undefined;
});

let n = 0;
/** A usbmuxd with these iPhones, and an adb server with no phone: as on a caseworker's laptop. */
async function laptopWith(...iphones: Array<string | IosProfile>): Promise<NodeJS.ProcessEnv> {
  const profiles = await Promise.all(
    iphones.map((p) => (typeof p === 'string' ? loadIosProfile(p) : p)),
  );
  const socketPath = join(tmp, `usbmuxd-${n++}`);
  sim = await startFakeUsbmuxd({ profiles, socketPath });
  adb = await startFakeAdbServer({ profiles: [] });
  return {
    USBMUXD_SOCKET_ADDRESS: `UNIX:${socketPath}`,
    ANDROID_ADB_SERVER_PORT: String(adb.port),
    SPYCHECK_ADB_BIN: '/bin/false',
  };
}

const bySubject = (doc: FindingsDoc, id: string): Finding | undefined =>
  doc.findings.find((f) => f.subject.id === id);

describe('spycheck scan of an iPhone (simulated usbmuxd → appium-ios-device → findings)', () => {
  it('ios-infected: picks the iPhone by itself and finds each sign at its severity', async () => {
    const env = await laptopWith('ios-infected');
    const out = join(tmp, 'infected');
    const r = await runCli(['scan', '--consent', '--json', '--out', out], env);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as FindingsDoc;
    const sev = (id: string) => bySubject(doc, id)?.severity;

    // jailbreak (rootless Dopamine + Sileo, registered as System apps by the jailbreak)
    expect(sev('com.opa334.Dopamine')).toBe('high');
    expect(bySubject(doc, 'com.opa334.Dopamine')?.rule).toBe('jailbreak.ios-jailbreak-apps');
    expect(sev('org.coolstar.SileoStore')).toBe('high');
    // TrollStore, and the app it registered under a spoofed App Store signer
    expect(sev('com.opa334.TrollStore')).toBe('high');
    const spoofed = bySubject(doc, 'com.apple.SystemHelper');
    expect(spoofed?.severity).toBe('high');
    expect(spoofed?.rule).toBe('ios.spoofed-app-store-signer');
    // an enterprise-signed look-alike of an Apple app with location and audio background modes
    const enterprise = bySubject(doc, 'com.apple.icloud.sync.agent');
    expect(enterprise?.severity).toBe('high');
    expect(enterprise?.evidence.iosApp).toMatchObject({
      signer: 'enterprise',
      backgroundModes: expect.arrayContaining(['location', 'audio']),
    });
    // Life360 as a family app, and the management profile that cannot be removed
    expect(sev('com.life360.safetymap')).toBe('medium');
    const profile = doc.findings.find((f) => f.subject.type === 'profile');
    expect(profile?.severity).toBe('high');
    expect(profile?.rule).toBe('ios.profile');
    // no passcode and an old iOS, said as phone settings
    expect(doc.findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['ios.no-passcode', 'ios.old-ios']),
    );
    expect(doc.incomplete).toBe(false);

    // the bundle: iOS snapshot, every answer kept, signed and verifiable
    const snapshot = JSON.parse(readFileSync(join(out, 'snapshot.json'), 'utf8')) as IosSnapshot;
    expect(snapshot.platform).toBe('ios');
    expect(snapshotSchema.safeParse(snapshot).success).toBe(true);
    expect(snapshot.raw.length).toBeGreaterThan(5);
    for (const rec of snapshot.raw) expect(existsSync(join(out, 'raw', rec.file))).toBe(true);
    expect((await runCli(['verify', out])).code).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/Safety Check/);
    expect(html).not.toMatch(/USB debugging/);
    expectOnlyAllowedIosReads(sim!);
  });

  it('ios-clean: no high and no medium, and nothing from system apps without a signer', async () => {
    const env = await laptopWith('ios-clean');
    const r = await runCli(
      ['scan', '--platform', 'ios', '--consent', '--json', '--out', join(tmp, 'clean')],
      env,
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as FindingsDoc;
    expect(doc.summary.high).toBe(0);
    expect(doc.summary.medium).toBe(0);
    expect(doc.incomplete).toBe(false);
    const snapshot = JSON.parse(
      readFileSync(join(tmp, 'clean', 'snapshot.json'), 'utf8'),
    ) as IosSnapshot;
    const system = new Set(snapshot.apps.filter((a) => a.system).map((a) => a.id));
    expect(system.size).toBeGreaterThan(40);
    expect(doc.findings.filter((f) => system.has(f.subject.id))).toEqual([]);
    expectOnlyAllowedIosReads(sim!);
  });

  it('an Android phone and an iPhone together: asks which one, reads neither', async () => {
    const env = await laptopWith('ios-clean');
    await adb?.close();
    const { loadProfile } = await import('../src/sim/android/device.js');
    adb = await startFakeAdbServer({ profiles: [await loadProfile('clean-pixel14')] });
    const r = await runCli(['scan', '--consent'], {
      ...env,
      ANDROID_ADB_SERVER_PORT: String(adb.port),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/An Android phone and an iPhone are both connected/);
    expect(sim!.log.entries.filter((e) => e.via !== 'usbmuxd')).toEqual([]);
  });

  it('analyze BUNDLE re-checks an iPhone bundle with today\u2019s rules', async () => {
    const env = await laptopWith('ios-infected');
    const first = join(tmp, 'first');
    expect((await runCli(['scan', '--consent', '--out', first], env)).code).toBe(0);
    const second = join(tmp, 'second');
    const r = await runCli(['analyze', first, '--out', second, '--json'], env);
    expect(r.code).toBe(0);
    const a = JSON.parse(readFileSync(join(first, 'findings.json'), 'utf8')) as FindingsDoc;
    const b = JSON.parse(r.stdout) as FindingsDoc;
    expect(b.findings.map((f) => [f.subject.id, f.severity])).toEqual(
      a.findings.map((f) => [f.subject.id, f.severity]),
    );
    expect((await runCli(['verify', second])).code).toBe(0);
  });

  it('an iPhone locked since it was switched on: exit 5, nothing read, no bundle', async () => {
    const profile = {
      ...(await loadIosProfile('ios-clean')),
      state: 'locked-before-first-unlock' as const,
    };
    const env = await laptopWith(profile);
    const out = join(tmp, 'bfu');
    const r = await runCli(['scan', '--consent', '--out', out], env);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/The iPhone is locked, so it refused to be read\. Nothing was read/);
    expect(existsSync(out)).toBe(false);
    expectOnlyAllowedIosReads(sim!);
  });

  it('an iPhone that no longer trusts this computer is said plainly (exit 6), no bundle', async () => {
    const profile = { ...(await loadIosProfile('ios-clean')), state: 'pairing-removed' as const };
    const env = await laptopWith(profile);
    const out = join(tmp, 'untrusted');
    const r = await runCli(['scan', '--consent', '--out', out], env);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/does not trust this computer/);
    expect(r.stderr).toMatch(/Trust This Computer/);
    expect(existsSync(out)).toBe(false);
    expectOnlyAllowedIosReads(sim!);
  });
});
