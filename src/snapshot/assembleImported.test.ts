/**
 * The assembler reads the forms imports hold (full app-op, deviceidle and package dumps, no
 * `pm list`, no `which su`) as it reads a live scan, and checks the phone's version claim.
 */
import { describe, expect, it } from 'vitest';
import type { AndroidCollection, AndroidStepId } from '../model/androidCollection.js';
import { loadProfile } from '../sim/android/device.js';
import { assembleAndroidSnapshot } from './android.js';
import { ANDROID_STEPS } from './androidSteps.js';
import { checkAndroidVersion } from './androidVersions.js';

const tool = { name: 'spycheck', version: 'test' };

/** The infected phone's live answers, with some steps replaced (a string) or left out (null). */
async function collection(
  edit: Partial<Record<AndroidStepId, string | null>> = {},
): Promise<AndroidCollection> {
  const phone = await loadProfile('infected-a12');
  const outputs: AndroidCollection['outputs'] = {};
  for (const [id, commands] of Object.entries(ANDROID_STEPS) as [
    AndroidStepId,
    readonly string[],
  ][]) {
    const e = edit[id];
    if (e === null) continue;
    const command = commands[0]!;
    outputs[id] = { command, text: e ?? phone.shell(command).toString('utf8') };
  }
  return {
    serial: phone.serial,
    started: '2026-11-20T10:00:00.000Z',
    finished: '2026-11-20T10:00:01.000Z',
    complete: Object.values(edit).every((v) => v !== null),
    outputs,
    apkHashOutputs: [],
    apkCerts: {},
    notes: [],
    raw: [],
    stats: { roundTrips: 0, bytesRead: 0, wallMs: 0, apksPulled: 0 },
  };
}

const check = (s: ReturnType<typeof assembleAndroidSnapshot>, id: string) =>
  s.checks.find((c) => c.id === id);

describe('the Android version a phone claims', () => {
  const props = (release: string, sdk: string, fingerprint?: string) => ({
    'ro.build.version.release': release,
    'ro.build.version.sdk': sdk,
    ...(fingerprint ? { 'ro.build.fingerprint': fingerprint } : {}),
  });

  it('reports the version the system level gives when the label disagrees, and says so', async () => {
    const c = await collection();
    c.outputs.getprop!.text = c.outputs
      .getprop!.text.replace('[ro.build.version.release]: [12]', '[ro.build.version.release]: [14]')
      .replace(
        '[ro.build.version.release_or_codename]: [12]',
        '[ro.build.version.release_or_codename]: [14]',
      );
    const s = assembleAndroidSnapshot(c, tool);
    expect(s.device.androidVersion).toBe('12');
    expect(s.device.sdk).toBe(31);
    expect(s.warnings).toContain(
      'The phone says it runs Android 14, but its system reports level 31, which is Android 12. The report uses Android 12.',
    );
    // the phone's own words stay in the evidence
    expect(s.props['ro.build.version.release']).toBe('14');
  });

  it('leaves a phone alone whose label, level and fingerprint agree', async () => {
    const s = assembleAndroidSnapshot(await collection(), tool);
    expect(s.device.androidVersion).toBe('12');
    expect(s.warnings.join('\n')).not.toMatch(/says it runs/);
  });

  it('knows levels 21 to 35, 12L phones and point releases', () => {
    expect(checkAndroidVersion(props('5.0.2', '21'))).toEqual({ version: '5.0.2' });
    expect(checkAndroidVersion(props('7.1.2', '25'))).toEqual({ version: '7.1.2' });
    expect(checkAndroidVersion(props('12', '32'))).toEqual({ version: '12' });
    expect(checkAndroidVersion(props('15', '35'))).toEqual({ version: '15' });
    expect(checkAndroidVersion(props('13', '35')).version).toBe('15');
    // an unknown level or no level: the label is all there is
    expect(checkAndroidVersion(props('16', '36'))).toEqual({ version: '16' });
    expect(checkAndroidVersion({ 'ro.build.version.release': '9' })).toEqual({ version: '9' });
    // no label: the level names the version
    expect(checkAndroidVersion({ 'ro.build.version.sdk': '30' })).toEqual({ version: '11' });
  });

  it('keeps the label, but says so, when the fingerprint backs it up; leaves previews alone', () => {
    const r = checkAndroidVersion(
      props('14', '31', 'google/raven/raven:14/UQ1A/1:user/release-keys'),
    );
    expect(r.version).toBe('14');
    expect(r.warning).toMatch(/says it runs Android 14, but its system reports level 31/);
    expect(r.warning).toMatch(/uses what the phone says/);
    const fake = checkAndroidVersion(
      props('14', '31', 'samsung/a12nsxx/a12:12/SP1A/1:user/release-keys'),
    );
    expect(fake.version).toBe('12');
    const preview = {
      ...props('VanillaIceCream', '34'),
      'ro.build.version.codename': 'VanillaIceCream',
    };
    expect(checkAndroidVersion(preview)).toEqual({ version: 'VanillaIceCream' });
  });
});

describe('the forms an import holds', () => {
  const appops = `Current AppOps Service state:
  Settings:
    top_state_settle_time=+5s0ms

  Uid u0a192:
    state=fgsvc
    Package com.systemservice:
      GET_USAGE_STATS (allow): 
        null=[
          Access: [fgsvc-s] 2026-11-20 09:58:03.117 (-1m56s883ms)
        ]
  Uid u0a194:
    state=cch
      SYSTEM_ALERT_WINDOW: mode=allow
`;

  it('reads the full app-op dump for all three app-op checks, with last-use times', async () => {
    const s = assembleAndroidSnapshot(
      await collection({
        appopsUsageStats: appops,
        appopsOverlay: appops,
        appopsInstall: appops,
      }),
      tool,
    );
    expect(s.appOps).toEqual({
      GET_USAGE_STATS: ['com.systemservice'],
      // allowed uid-wide: the app with that uid (10194) holds it
      SYSTEM_ALERT_WINDOW: ['com.device.health.service'],
      REQUEST_INSTALL_PACKAGES: [],
    });
    // Europe/London in November is UTC
    expect(s.appOpsLastAccess).toEqual({
      GET_USAGE_STATS: { 'com.systemservice': '2026-11-20T09:58:03.000Z' },
    });
    for (const id of ['usage-access', 'overlay', 'install-apps']) {
      expect(check(s, id)?.status, id).toBe('ok');
    }
  });

  it('marks all three app-op checks when the dump was cut short, but warns once', async () => {
    const cut = `${appops}*** SERVICE 'appops' DUMP TIMEOUT (10000ms) EXPIRED ***\n`;
    const s = assembleAndroidSnapshot(
      await collection({ appopsUsageStats: cut, appopsOverlay: cut, appopsInstall: cut }),
      tool,
    );
    for (const id of ['usage-access', 'overlay', 'install-apps']) {
      expect(check(s, id)?.status, id).toBe('partial');
    }
    expect(s.warnings.filter((w) => /stopped printing the app-op list/.test(w))).toHaveLength(1);
  });

  it('reads icons from the activity table when the icon question was not asked', async () => {
    const phone = await loadProfile('infected-a12');
    const dump = phone.shell('dumpsys package').toString('utf8');
    const table = `Activity Resolver Table:
  Non-Data Actions:
      android.intent.action.MAIN:
        16c01e1 com.systemservice/.activity.MainActivity filter 1a2b3c4
          Action: "android.intent.action.MAIN"
          Category: "android.intent.category.LAUNCHER"
        bf7acc2 com.dailyplanner.notes/.ui.PlannerActivity filter 2b3c4d5
          Action: "android.intent.action.MAIN"
          Category: "android.intent.category.DEFAULT"

`;
    const detailed = dump.replace(/^Packages:$/m, `${table}Packages:`);
    const s = assembleAndroidSnapshot(
      await collection({ launcher: null, packageDetails: detailed }),
      tool,
    );
    const state = (id: string) => s.apps.find((a) => a.id === id)?.launcher;
    expect(state('com.systemservice')).toBe('visible');
    expect(state('com.dailyplanner.notes')).toBe('hidden');
    expect(state('com.device.health.service')).toBe('hidden');
    expect(check(s, 'launcher')?.status).toBe('ok');

    // a plain dump prints no categories: MAIN apps stay unknown, and the check says why
    const plain = dump.replace(
      /^Packages:$/m,
      `${table.replace(/ filter \w+\n(?: {10}.*\n)+/g, '\n')}Packages:`,
    );
    const p = assembleAndroidSnapshot(
      await collection({ launcher: null, packageDetails: plain }),
      tool,
    );
    expect(p.apps.find((a) => a.id === 'com.systemservice')?.launcher).toBe('unknown');
    expect(p.apps.find((a) => a.id === 'com.device.health.service')?.launcher).toBe('hidden');
    expect(check(p, 'launcher')).toMatchObject({
      status: 'partial',
      reason: expect.stringMatching(/no icon/),
    });

    // no table at all: unknown, as before
    const none = assembleAndroidSnapshot(await collection({ launcher: null }), tool);
    expect(none.apps.every((a) => a.launcher === 'unknown')).toBe(true);
    expect(check(none, 'launcher')?.status).toBe('not-checked');
  });

  it('takes the package dump as the app list when there is no pm list', async () => {
    const s = assembleAndroidSnapshot(await collection({ packages: null }), tool);
    expect(s.apps.length).toBeGreaterThan(50);
    expect(check(s, 'apps')).toEqual({
      id: 'apps',
      title: 'The list of installed apps',
      status: 'ok',
    });
  });

  it('checks root in part from the system properties when su was not looked for', async () => {
    const c = await collection({ su: null });
    c.outputs.getprop!.text = c.outputs.getprop!.text.replace(
      '[ro.boot.flash.locked]: [1]',
      '[ro.boot.flash.locked]: [0]',
    );
    const s = assembleAndroidSnapshot(c, tool);
    expect(check(s, 'root')?.status).toBe('partial');
    expect(s.root.bootloaderLocked).toBe(false);
    const noProps = assembleAndroidSnapshot(await collection({ su: null, getprop: null }), tool);
    expect(check(noProps, 'root')?.status).toBe('not-checked');
  });
});
