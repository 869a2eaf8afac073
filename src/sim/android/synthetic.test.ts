import { describe, expect, it } from 'vitest';
import { ANDROID_COMMANDS } from '../../device/android/commands.js';
import { parseBatteryHistory } from '../../parse/android/batteryHistory.js';
import {
  CMD,
  historyDuration,
  renderBatteryHistory,
  shortComponent,
  syntheticPhone,
  syntheticProfileData,
} from './synthetic.js';

function text(v: string | Buffer | undefined): string {
  if (v === undefined) throw new Error('missing output');
  return Buffer.isBuffer(v) ? v.toString('utf8') : v;
}

describe('syntheticProfileData', () => {
  const data = syntheticProfileData({ apps: 300, seed: 7, sideloaded: 5 });
  const pm = text(data.shell[CMD.pmList]);
  const dumpsys = text(data.shell[CMD.dumpsysPackage]);
  const pmLines = pm.trim().split('\n');

  it('answers every fixed command of the allowlist', () => {
    // the clock is not a stored answer: the phone's clock moves (profile `clock`)
    for (const cmd of Object.values(ANDROID_COMMANDS))
      if (cmd !== ANDROID_COMMANDS.clock) expect(data.shell).toHaveProperty([cmd]);
    expect(data.shell).not.toHaveProperty([ANDROID_COMMANDS.clock]);
  });

  it('lists the same packages in pm list and in the Packages section of dumpsys', () => {
    expect(pmLines).toHaveLength(300);
    const pmPkgs = pmLines.map((l) => /=([^=\s]+) {2}installer=/.exec(l)?.[1]).sort();
    const packagesSection = dumpsys.split('\nHidden system packages:\n')[0] ?? '';
    const dumpPkgs = [...packagesSection.matchAll(/^ {2}Package \[([^\]]+)\]/gm)]
      .map((m) => m[1])
      .sort();
    expect(dumpPkgs).toEqual(pmPkgs);
    expect(new Set(pmPkgs).size).toBe(300);
  });

  it('keeps uids and code paths consistent between pm list and dumpsys', () => {
    for (const line of pmLines.slice(0, 40)) {
      const m = /^package:(\S+)\/[^/]+\.apk=(\S+) {2}installer=\S+ uid:(\d+)$/.exec(line);
      expect(m, line).not.toBeNull();
      const [, dir, pkg, uid] = m as RegExpExecArray;
      const start = dumpsys.indexOf(`  Package [${pkg}]`);
      const block = dumpsys.slice(start, dumpsys.indexOf('\n  Package [', start + 1));
      expect(block).toContain(`    appId=${uid}\n`);
      expect(block).toContain(`    codePath=${dir}\n`);
    }
  });

  it('makes about a third system apps and the asked number of browser-sideloaded ones', () => {
    const system = (dumpsys.split('\nHidden system packages:\n')[0] ?? '').match(
      /pkgFlags=\[ SYSTEM /g,
    );
    expect(system?.length).toBe(100);
    expect(dumpsys.match(/originatingPackageName=com\.android\.chrome/g)).toHaveLength(5);
    expect(pm.match(/installer=com\.google\.android\.packageinstaller/g)).toHaveLength(5);
  });

  it('writes /data/app paths the way Android names them', () => {
    const dataApps = pmLines.filter((l) => l.startsWith('package:/data/app/'));
    expect(dataApps.length).toBeGreaterThan(150);
    for (const l of dataApps)
      expect(l).toMatch(
        /^package:\/data\/app\/~~[A-Za-z0-9_-]{22}==\/[\w.]+-[A-Za-z0-9_-]{22}==\/base\.apk=/,
      );
  });

  it('lists a launcher activity only for installed packages', () => {
    const launcher = text(data.shell[CMD.launcherActivities]);
    const count = Number(/^(\d+) activities found:/.exec(launcher)?.[1]);
    const comps = [...launcher.matchAll(/^ {4}([\w.]+)\/(\S+)$/gm)];
    expect(comps).toHaveLength(count);
    const pkgs = new Set(pmLines.map((l) => /=([^=\s]+) {2}installer=/.exec(l)?.[1]));
    for (const c of comps) expect(pkgs.has(c[1])).toBe(true);
  });

  it('is deterministic for a seed and different across seeds', () => {
    const again = syntheticProfileData({ apps: 300, seed: 7, sideloaded: 5 });
    expect(again.shell[CMD.dumpsysPackage]).toBe(dumpsys);
    const other = syntheticProfileData({ apps: 300, seed: 8, sideloaded: 5 });
    expect(other.shell[CMD.pmList]).not.toBe(pm);
  });

  it('builds 1,000 apps in under a second', () => {
    const t0 = performance.now();
    const big = syntheticProfileData({ apps: 1000, seed: 3, sideloaded: 20 });
    const ms = performance.now() - t0;
    expect(text(big.shell[CMD.pmList]).trim().split('\n')).toHaveLength(1000);
    expect(ms).toBeLessThan(1000);
  });

  it('copes with tiny and odd sizes without crashing', () => {
    expect(text(syntheticProfileData({ apps: 0 }).shell[CMD.pmList])).toBe('');
    expect(text(syntheticProfileData({ apps: 0 }).shell[CMD.launcherActivities])).toBe(
      'No activities found\n',
    );
    const one = syntheticPhone({ apps: 3, sideloaded: 10 });
    expect(one.apps).toHaveLength(3);
  });
});

describe('shortComponent', () => {
  it('shortens only when the class lives in the package', () => {
    expect(shortComponent('com.a', 'com.a.Main')).toBe('com.a/.Main');
    expect(shortComponent('com.a', 'org.b.Main')).toBe('com.a/org.b.Main');
  });
});

describe('battery history', () => {
  it('prints times since the start as Android does', () => {
    expect(historyDuration(0)).toBe('0');
    expect(historyDuration(45)).toBe('+45ms');
    expect(historyDuration(198_601)).toBe('+3m18s601ms');
    expect(historyDuration(3_723_004)).toBe('+1h02m03s004ms');
    expect(historyDuration(93_784_005)).toBe('+1d02h03m04s005ms');
    expect(historyDuration(3_600_000)).toBe('+1h00m00s000ms');
  });

  it.each([
    [29, 'u0a30210'],
    [34, '40210'],
  ])('Android sdk %i: installs and removals read back at the times they happened', (sdk, code) => {
    const phone = syntheticPhone({ apps: 40, seed: 4 });
    phone.sdk = sdk;
    phone.tzOffsetMin = 0;
    const start = Date.UTC(2024, 1, 10, 9, 0, 0);
    phone.batteryHistory = {
      start,
      end: start + 50 * 3_600_000,
      restarts: [start + 20 * 3_600_000],
      events: [
        { at: start + 3_723_004, kind: 'installed', pkg: 'com.example.x', versionCode: 40210 },
        { at: start + 30 * 3_600_000, kind: 'removed', pkg: 'com.example.x' },
      ],
    };
    const out = renderBatteryHistory(phone);
    expect(out).toMatch(/^Battery History \(\d+% used, /);
    expect(out).toContain(`pkginst=${code}:"com.example.x"`);
    const { parsed, warnings } = parseBatteryHistory(out, { timeZone: 'UTC' });
    expect(warnings).toEqual([]);
    const mine = parsed.events.filter((e) => e.package === 'com.example.x');
    expect(mine.map((e) => [e.kind, e.time])).toEqual([
      ['installed', new Date(start + 3_723_004).toISOString()],
      ['removed', new Date(start + 30 * 3_600_000).toISOString()],
    ]);
  });
});

describe('committed fixture profiles', () => {
  const phones = ['clean-pixel14', 'infected-a12', 'dualuse-pixel7', 'old-a10', 'spyware-gone-a10'];

  it.each(phones)('%s answers every fixed command and agrees with itself', async (name) => {
    const { loadProfileData } = await import('./loadProfile.js');
    const data = await loadProfileData(name);
    // the clock is not a stored answer: the phone's clock moves (profile `clock`)
    for (const cmd of Object.values(ANDROID_COMMANDS))
      if (cmd !== ANDROID_COMMANDS.clock) expect(data.shell).toHaveProperty([cmd]);
    expect(data.shell).not.toHaveProperty([ANDROID_COMMANDS.clock]);
    const pm = text(data.shell[CMD.pmList]).trim().split('\n');
    const dumpsys = text(data.shell[CMD.dumpsysPackage]);
    const section = dumpsys.split('\nHidden system packages:\n')[0] ?? '';
    const dumpPkgs = [...section.matchAll(/^ {2}Package \[([^\]]+)\]/gm)].map((m) => m[1]);
    expect(dumpPkgs.length).toBe(pm.length);
    const pmPkgs = new Set(pm.map((l) => /=([^=\s]+) {2}installer=/.exec(l)?.[1]));
    for (const p of dumpPkgs) expect(pmPkgs.has(p)).toBe(true);
    // every served APK sits at the path pm list prints for its package
    for (const path of Object.keys(data.files))
      expect(text(data.shell[CMD.pmList])).toContain(path);
  });

  it('serves the three sideloaded APKs of infected-a12 at pullable paths', async () => {
    const { loadProfileData } = await import('./loadProfile.js');
    const { isAllowedSync } = await import('../../device/android/commands.js');
    const data = await loadProfileData('infected-a12');
    const paths = Object.keys(data.files);
    expect(paths).toHaveLength(3);
    for (const p of paths) expect(isAllowedSync('RECV', p)).toBe(true);
    for (const buf of Object.values(data.files)) expect(buf.subarray(0, 2).toString()).toBe('PK');
  });
});

describe('benchmark phones with realistic APKs', () => {
  it('makes the asked number of system apps, so a 166-app phone has 100 store apps', () => {
    const phone = syntheticPhone({ apps: 166, seed: 7, sideloaded: 3, system: 63 });
    const store = phone.apps.filter((a) => !a.systemDir && a.installer === 'com.android.vending');
    expect(store).toHaveLength(100);
    expect(phone.apps.filter((a) => a.systemDir)).toHaveLength(63);
    // without the option, the phone is the one it always was
    expect(syntheticPhone({ apps: 300, seed: 7 }).apps.filter((a) => a.systemDir)).toHaveLength(
      100,
    );
  });

  it('serves store APKs of 4–80 MB and sideloaded ones of 2–15 MB, without holding them', () => {
    const data = syntheticProfileData({
      apps: 166,
      seed: 7,
      sideloaded: 3,
      system: 63,
      apks: true,
    });
    const pm = text(data.shell[CMD.pmList]);
    const specs = Object.entries(data.generated ?? {});
    expect(specs).toHaveLength(103);
    const MB = 1e6;
    for (const [path, spec] of specs) {
      const line = pm.split('\n').find((l) => l.startsWith(`package:${path}=`)) ?? '';
      if (line.includes('installer=com.android.vending')) {
        expect(spec.size).toBeGreaterThanOrEqual(4 * MB);
        expect(spec.size).toBeLessThanOrEqual(80 * MB);
      } else {
        expect(line).toContain('installer=com.google.android.packageinstaller');
        expect(spec.size).toBeGreaterThanOrEqual(2 * MB);
        expect(spec.size).toBeLessThanOrEqual(15 * MB);
      }
    }
    const total = specs.reduce((n, [, s]) => n + s.size, 0);
    // log-uniform 4–80 MB: mean ~25 MB a store app
    expect(total / 100).toBeGreaterThan(15 * MB);
    expect(total / 100).toBeLessThan(35 * MB);
    expect(Object.keys(data.files)).toHaveLength(0);
  });
});
