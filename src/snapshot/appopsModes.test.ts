/**
 * The app-op modes a live scan reads from `dumpsys appops` instead of three
 * `cmd appops query-op --user 0 OP allow` reads: hand-written excerpts in the layout each
 * Android version's AppOpsService dump prints (our own text), a Samsung and a Xiaomi variant,
 * and the fixture phones, whose query-op answers are the reference.
 *
 * What AOSP prints (AppOpsService dump, Android 10–15): per uid `Uid u0a123:` then `state=`
 * (11+: `capability=`, 12+: `appWidgetVisible=`), then the uid-wide modes that are set
 * (`      OP: mode=allow`), then `    Package p:` and every op the package has an entry for,
 * `      OP (mode):` (a switched op adds ` / switch OP2=mode`). An op whose mode was never set
 * and never used is not printed at all; one that was used or reset prints `(default)`.
 *
 * What query-op answers: the packages whose *package* mode for OP equals the asked mode, from
 * the same per-package entries. It never looks at uid-wide modes, and its `--user` is parsed but
 * not used (every user's packages are listed). The dump reading keeps query-op's meaning for
 * "allow" and "default" (`default` means the permission decides: not counted, as query-op did
 * not count it), and differs on purpose in two rare cases, documented below: a uid-wide mode is
 * the one Android enforces (it wins, and a uid allowed with no package named reaches the apps of
 * that uid), and only user 0's packages count, as `--user 0` meant.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAppOpsQuery } from '../parse/android/appops.js';
import { type AppOpsDump, appOpHolders, parseAppOpsDump } from '../parse/android/appopsDump.js';
import { acceptOutput } from './android.js';

const OPS = ['GET_USAGE_STATS', 'SYSTEM_ALERT_WINDOW', 'REQUEST_INSTALL_PACKAGES'] as const;
const STEP = {
  GET_USAGE_STATS: 'appopsUsageStats',
  SYSTEM_ALERT_WINDOW: 'appopsOverlay',
  REQUEST_INSTALL_PACKAGES: 'appopsInstall',
} as const;

/** What `cmd appops query-op OP allow` prints, computed from the dump as AOSP computes it. */
function queryOpOf(dump: AppOpsDump, op: string): string[] {
  const out = new Set<string>();
  for (const u of dump.uids)
    for (const p of u.packages)
      if (p.ops.some((e) => e.op === op && e.mode === 'allow')) out.add(p.id);
  return [...out].sort();
}

const holders = (text: string, op: string) => {
  const r = parseAppOpsDump(text);
  expect(r.warnings).toEqual([]);
  return appOpHolders(r.parsed, op);
};

// Android 10 on a Xiaomi (MIUI 12): no capability lines, MIUI's own ops beside AOSP's, one
// printed by number; a second space (user 10) and "dual apps" (user 999)
const A10_XIAOMI = `Current AppOps Service state:
  Settings:
    top_state_settle_time=+30s0ms
    fg_service_state_settle_time=+10s0ms
    bg_state_settle_time=+1s0ms

  Uid u0a141:
    state=cch
    Package com.miui.securitycenter.helper:
      GET_USAGE_STATS (allow): 
          Access: [bg-s] 2024-03-08 09:12:44.101 (-2h2m15s899ms)
      AUTO_START (allow): 
      Unknown(10021) (allow): 
  Uid u0a177:
    state=bg
    Package com.tracker.hidden:
      SYSTEM_ALERT_WINDOW (allow): 
          Access: [fgsvc-s] 2024-03-08 10:40:00.000 (-34m59s0ms)
      REQUEST_INSTALL_PACKAGES (default): 
          Reject: [top-s]2024-03-07 21:00:11.500 (-14h15m0s500ms)
      GET_USAGE_STATS (allow): 
  Uid u10a177:
    state=cch
    Package com.tracker.hidden:
      REQUEST_INSTALL_PACKAGES (allow): 
  Uid u999a210:
    state=cch
    Package com.whatsapp:
      SYSTEM_ALERT_WINDOW (allow): 
`;

// Android 11: attribution tags around the events; a package whose usage access was switched off
const A11 = `Current AppOps Service state:
  Settings:
    top_state_settle_time=+30s0ms
    fg_service_state_settle_time=+10s0ms
    bg_state_settle_time=+1s0ms

  Uid u0a188:
    state=cch
    capability=----
    Package com.qustodio.qustodioapp:
      GET_USAGE_STATS (ignore): 
        null=[
          Access: [bg-s] 2024-01-02 10:00:00.000 (-3d0h0m0s0ms)
        ]
      SYSTEM_ALERT_WINDOW (allow): 
  Uid u0a190:
    state=top
    capability=LCMN
    Package org.mozilla.firefox:
      REQUEST_INSTALL_PACKAGES (allow): 
        null=[
          Access: [top-s] 2024-01-04 18:22:10.410 (-16h2m1s0ms)
        ]
`;

// Android 12 on a Samsung (One UI 4): appWidgetVisible, pendingState, Samsung ops, Secure Folder
// (user 150)
const A12_SAMSUNG = `Current AppOps Service state:
  Settings:
    top_state_settle_time=+5s0ms
    fg_service_state_settle_time=+5s0ms
    bg_state_settle_time=+1s0ms

  Uid u0a232:
    state=bg
    pendingState=cch
    capability=----
    appWidgetVisible=false
    Package com.sec.android.app.sbrowser:
      REQUEST_INSTALL_PACKAGES (allow): 
        null=[
          Access: [top-s] 2024-02-11 12:00:10.000 (-1d0h0m0s0ms)
        ]
      SEC_BLUETOOTH_ADVERTISE (allow): 
  Uid u0a301:
    state=fgsvc
    capability=LCMN
    appWidgetVisible=false
    Package com.mobile.tracker.free:
      GET_USAGE_STATS (allow): 
        null=[
          Access: [fgsvc-s] 2024-02-12 11:58:00.000 (-2m0s0ms)
        ]
      SYSTEM_ALERT_WINDOW (allow): 
        null=[
          Access: [fgsvc-s] 2024-02-12 11:58:00.000 (-2m0s0ms)
        ]
  Uid u150a301:
    state=cch
    capability=----
    appWidgetVisible=false
    Package com.secret.folder.app:
      GET_USAGE_STATS (allow): 
`;

// Android 13/14 (Pixel): uid-wide modes. One uid was allowed to draw over apps with
// \`cmd appops set --uid\` (the package entry only says "default"); another uid is ignored
// uid-wide while its package entry still says allow; a shared uid is allowed uid-wide with no
// package entry printed
const A14 = `Current AppOps Service state:
  Settings:
    top_state_settle_time=+5s0ms
    fg_service_state_settle_time=+5s0ms
    bg_state_settle_time=+1s0ms

  Uid u0a214:
    state=cch
    capability=----
    appWidgetVisible=false
      SYSTEM_ALERT_WINDOW: mode=allow
    Package com.spy.overlay:
      SYSTEM_ALERT_WINDOW (default): 
        null=[
          Reject: [top-s]2024-05-20 09:54:38.010 (-35m21s990ms)
        ]
      WAKE_LOCK (allow): 
        null=[
          Access: [cch-s] 2024-05-20 09:50:00.000 (-40m0s0ms) duration=+120ms
        ]
  Uid u0a215:
    state=cch
    capability=----
    appWidgetVisible=false
      GET_USAGE_STATS: mode=ignore
    Package com.example.blocked:
      GET_USAGE_STATS (allow): 
  Uid u0a216:
    state=cch
    capability=----
    appWidgetVisible=false
      REQUEST_INSTALL_PACKAGES: mode=allow
  Uid u0a217:
    state=top
    capability=LCMNF
    appWidgetVisible=false
    Package com.google.android.apps.wellbeing:
      GET_USAGE_STATS (allow): 
        null=[
          Access: [pers-s] 2024-05-20 10:00:00.000 (-30m0s0ms)
        ]
`;

// Android 15: longer capability strings; privileged usage access held by permission only
// ("default"), which query-op never listed
const A15 = `Current AppOps Service state:
  Settings:
    top_state_settle_time=+5s0ms
    fg_service_state_settle_time=+5s0ms
    bg_state_settle_time=+1s0ms

  Uid 1000:
    state=pers
    capability=LCMNFU-
    appWidgetVisible=false
    Package android:
      WAKE_LOCK (allow): 
        null=[
          Access: [pers-s] 2025-01-10 09:00:00.000 (-1h0m0s0ms)
        ]
  Uid u0a90:
    state=pers
    capability=LCMNFU-
    appWidgetVisible=false
    Package com.google.android.gms:
      GET_USAGE_STATS (default): 
        null=[
          Access: [pers-s] 2025-01-10 09:59:00.000 (-1m0s0ms)
        ]
  Uid u0a250:
    state=fgsvc
    capability=LCMNFU-
    appWidgetVisible=false
    Package com.x8bit.bitwarden:
      SYSTEM_ALERT_WINDOW (allow): 
`;

describe('app-op modes read from dumpsys appops (Android 10–15, Samsung, Xiaomi)', () => {
  it('Android 10 (Xiaomi): allow counts, default does not, other users and dual apps do not', () => {
    expect(holders(A10_XIAOMI, 'GET_USAGE_STATS').packages.sort()).toEqual([
      'com.miui.securitycenter.helper',
      'com.tracker.hidden',
    ]);
    expect(holders(A10_XIAOMI, 'SYSTEM_ALERT_WINDOW').packages).toEqual(['com.tracker.hidden']);
    // "default" for the owner; the allow is the second space's copy (user 10)
    expect(holders(A10_XIAOMI, 'REQUEST_INSTALL_PACKAGES').packages).toEqual([]);
    // query-op would have listed the other users' copies too (it ignores --user)
    const d = parseAppOpsDump(A10_XIAOMI).parsed;
    expect(queryOpOf(d, 'REQUEST_INSTALL_PACKAGES')).toEqual(['com.tracker.hidden']);
    expect(queryOpOf(d, 'SYSTEM_ALERT_WINDOW')).toEqual(['com.tracker.hidden', 'com.whatsapp']);
  });

  it('Android 11: ignore is not allow; events inside attribution tags do not matter', () => {
    expect(holders(A11, 'GET_USAGE_STATS').packages).toEqual([]);
    expect(holders(A11, 'SYSTEM_ALERT_WINDOW').packages).toEqual(['com.qustodio.qustodioapp']);
    expect(holders(A11, 'REQUEST_INSTALL_PACKAGES').packages).toEqual(['org.mozilla.firefox']);
    const d = parseAppOpsDump(A11).parsed;
    for (const op of OPS) expect(holders(A11, op).packages.sort()).toEqual(queryOpOf(d, op));
  });

  it('Android 12 (Samsung): vendor ops and pendingState lines; Secure Folder (user 150) left out', () => {
    expect(holders(A12_SAMSUNG, 'GET_USAGE_STATS').packages).toEqual(['com.mobile.tracker.free']);
    expect(holders(A12_SAMSUNG, 'SYSTEM_ALERT_WINDOW').packages).toEqual([
      'com.mobile.tracker.free',
    ]);
    expect(holders(A12_SAMSUNG, 'REQUEST_INSTALL_PACKAGES').packages).toEqual([
      'com.sec.android.app.sbrowser',
    ]);
  });

  it('Android 14: a uid-wide mode is the one Android enforces, which query-op never saw', () => {
    // allowed uid-wide: the app can draw over others although its package entry says default
    expect(holders(A14, 'SYSTEM_ALERT_WINDOW').packages).toEqual(['com.spy.overlay']);
    // ignored uid-wide: its package entry's allow is not in force
    expect(holders(A14, 'GET_USAGE_STATS').packages).toEqual(['com.google.android.apps.wellbeing']);
    // allowed uid-wide with no package printed: reaches the apps of that uid (10216)
    expect(holders(A14, 'REQUEST_INSTALL_PACKAGES')).toMatchObject({
      packages: [],
      appIds: [10216],
    });
    const d = parseAppOpsDump(A14).parsed;
    expect(queryOpOf(d, 'SYSTEM_ALERT_WINDOW')).toEqual([]);
    expect(queryOpOf(d, 'GET_USAGE_STATS')).toEqual([
      'com.example.blocked',
      'com.google.android.apps.wellbeing',
    ]);
  });

  it('Android 15: "default" (the permission decides) is not counted, as query-op did not count it', () => {
    expect(holders(A15, 'GET_USAGE_STATS').packages).toEqual([]);
    expect(holders(A15, 'SYSTEM_ALERT_WINDOW').packages).toEqual(['com.x8bit.bitwarden']);
    const d = parseAppOpsDump(A15).parsed;
    for (const op of OPS) expect(holders(A15, op).packages.sort()).toEqual(queryOpOf(d, op));
  });

  it('every one of these dumps can stand for the three query-op reads', () => {
    for (const text of [A10_XIAOMI, A11, A12_SAMSUNG, A14, A15]) {
      for (const op of OPS) expect(acceptOutput(STEP[op], text)).toBe(true);
    }
  });

  it('a dump that is cut off, garbled or prints no package modes cannot', () => {
    const timeout = `${A12_SAMSUNG.slice(0, 600)}\n*** SERVICE 'appops' DUMP TIMEOUT (10000ms) EXPIRED ***\n`;
    const noModes =
      'Current AppOps Service state:\n  Uid u0a5:\n    state=cch\n  Uid u0a6:\n    state=top\n';
    const badName = `${A15}  Uid u0a9:\n    state=cch\n    Package evil\u202eppa:\n      GET_USAGE_STATS (allow): \n`;
    for (const text of [timeout, noModes, badName, "Can't find service: appops\n"])
      for (const op of OPS) expect(acceptOutput(STEP[op], text), JSON.stringify(text)).toBe(false);
    // a query-op answer is taken as before, empty or not
    expect(acceptOutput('appopsUsageStats', 'com.a.b\n')).toBe(true);
    expect(acceptOutput('appopsUsageStats', '')).toBe(true);
  });
});

describe('the fixture phones: the dump says what query-op says', () => {
  const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'devices');
  const yamlText = (phone: string, cmd: string): string => {
    // profile.yaml holds short answers inline ("text: |") and long ones as file names
    const y = readFileSync(join(dir, phone, 'profile.yaml'), 'utf8').split('\n');
    const i = y.findIndex((l) => l === `  ${cmd}:` || l.startsWith(`  ${cmd}: `));
    expect(i, `${phone}: ${cmd}`).toBeGreaterThanOrEqual(0);
    const inline = y[i]!.slice(`  ${cmd}:`.length).trim();
    if (inline) return readFileSync(join(dir, phone, inline), 'utf8');
    const text = y[i + 1]!.trim();
    if (text === 'text: ""') return '';
    const lines: string[] = [];
    for (const l of y.slice(i + 2)) {
      if (!l.startsWith('      ')) break;
      lines.push(l.slice(6));
    }
    return lines.map((l) => `${l}\n`).join('');
  };
  it.each([
    'clean-pixel14',
    'dualuse-pixel7',
    'infected-a12',
    'old-a10',
    'spyware-gone-a10',
  ])('%s', (phone) => {
    const dump = yamlText(phone, 'dumpsys appops');
    for (const op of OPS) {
      const q = parseAppOpsQuery(yamlText(phone, `cmd appops query-op --user 0 ${op} allow`));
      expect(q.parsed.supported).toBe(true);
      const h = holders(dump, op);
      expect(h.packages.sort(), `${phone} ${op}`).toEqual([...q.parsed.packages].sort());
      expect(h.appIds).toEqual([]);
      expect(acceptOutput(STEP[op], dump)).toBe(true);
    }
  });
});
