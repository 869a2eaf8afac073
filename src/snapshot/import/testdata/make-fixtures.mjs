// Builds the import fixtures from the simulated infected phone (fixtures/devices/infected-a12),
// laid out the way androidqf and `adb bugreport` lay out their output. Our own files, modelled
// on the real formats. Run: node src/snapshot/import/testdata/make-fixtures.mjs
//
// The imported phone is the same phone after someone rooted it (Magisk: bootloader unlocked,
// verified boot orange, su and magisk on the PATH). Its full `dumpsys` holds what a live scan
// asks separately: the app-op tree (`dumpsys appops`), the battery exemptions (`dumpsys
// deviceidle`) and, in `dumpsys package`, the activity table that shows which apps have an icon.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const phone = join(here, '../../../../fixtures/devices/infected-a12');
const read = (f) => readFileSync(join(phone, f), 'utf8');
const SEP = '-'.repeat(79);

function service(name, text, seconds = '0.012') {
  return `${SEP}\nDUMP OF SERVICE ${name}:\n${text.replace(/\n*$/, '\n')}--------- ${seconds}s was the duration of dumpsys ${name}, ending at: 2026-11-20 10:00:0${name.length % 10}\n`;
}
const hex = (text, n = 7) => createHash('sha256').update(text).digest('hex').slice(0, n);

// the phone's uids, from its package list
const uidOf = {};
for (const line of read('pm-list.txt').split('\n')) {
  const m = /=([^=\s]+)\s+installer=\S*\s+uid:(\d+)/.exec(line);
  if (m) uidOf[m[1]] = Number(m[2]);
}
const fmtUid = (uid) => (uid >= 10000 ? `u0a${uid - 10000}` : String(uid));

// rooted with Magisk: the bootloader was unlocked, so verified boot is orange and Knox tripped
const getprop = read('getprop.txt')
  .replace('[ro.boot.flash.locked]: [1]', '[ro.boot.flash.locked]: [0]')
  .replace('[ro.boot.vbmeta.device_state]: [locked]', '[ro.boot.vbmeta.device_state]: [unlocked]')
  .replace('[ro.boot.verifiedbootstate]: [green]', '[ro.boot.verifiedbootstate]: [orange]')
  .replace('[ro.boot.warranty_bit]: [0]', '[ro.boot.warranty_bit]: [1]')
  .replace('[ro.warranty_bit]: [0]', '[ro.warranty_bit]: [1]');

// `dumpsys deviceidle` in full (Android 12 form), built from the phone's whitelist answer:
// lists with no apps are not printed at all
const idle = { 'system-excidle': [], system: [], user: [] };
for (const line of read('deviceidle-whitelist.txt').trim().split('\n')) {
  const [kind, pkg] = line.split(',');
  idle[kind].push(pkg);
}
const ids = (pkgs) => [...new Set(pkgs.map((p) => uidOf[p] % 100000))].sort((a, b) => a - b);
const deviceIdleFull = `  Settings:
    flex_time_short=+1m0s0ms
    light_after_inactive_to=+3m0s0ms
    light_idle_to=+5m0s0ms
    light_max_idle_to=+15m0s0ms
    inactive_to=+30m0s0ms
    sensing_to=+4m0s0ms
    idle_to=+1h0m0s0ms
    max_idle_to=+6h0m0s0ms
  Idling history:
         normal: -2h14m3s210ms (screen)
     light-idle: -1h31m44s902ms
    light-maint: -1h16m44s903ms
  Whitelist (except idle) system apps:
${idle['system-excidle'].map((p) => `    ${p}\n`).join('')}  Whitelist system apps:
${idle.system.map((p) => `    ${p}\n`).join('')}  Whitelist user apps:
${idle.user.map((p) => `    ${p}\n`).join('')}  Whitelist (except idle) all app ids:
${ids([...idle['system-excidle'], ...idle.user]).map((i) => `    ${i}\n`).join('')}  Whitelist user app ids:
${ids(idle.user).map((i) => `    ${i}\n`).join('')}  Whitelist all app ids:
${ids([...idle.system, ...idle.user]).map((i) => `    ${i}\n`).join('')}  Temp whitelist schedule:
    UID=10163: -1m31s220ms - 1000:broadcast:com.google.android.c2dm.intent.RECEIVE
  mLightEnabled=true  mDeepEnabled=true
  mForceIdle=false
  mUseMotionSensor=true mMotionSensor={Sensor name="Significant Motion  Wakeup", vendor="Samsung Electronics", version=1, type=17, maxRange=1.0, resolution=1.0, power=0.06, minDelay=-1}
  mScreenOn=true
  mScreenLocked=false
  mNetworkConnected=true
  mCharging=true
  mMotionActive=true
  mNotMoving=false
  mLocating=false mHasGps=true mHasNetwork=true mLocated=false
  mState=ACTIVE mLightState=ACTIVE
  mInactiveTimeout=+30m0s0ms
`;

// `dumpsys appops` in full (Android 12 form: attribution tags wrap the events). Who holds usage
// access, drawing over apps and installing apps matches the phone's `query-op` answers.
const NOW = Date.UTC(2026, 10, 20, 10, 0, 0);
function rel(local) {
  // the phone's zone is Europe/London, on UTC in November
  let ms = NOW - Date.parse(`${local.replace(' ', 'T')}Z`);
  const parts = [];
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]]) {
    const n = Math.floor(ms / size);
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
    ms -= n * size;
  }
  return `-${parts.join('')}${ms}ms`;
}
const access = (state, local, extra = '') =>
  `          Access: [${state}] ${local} (${rel(local)})${extra}\n`;
const reject = (state, local) => `          Reject: [${state}]${local} (${rel(local)})\n`;
const op = (name, mode, events = [], sw = '') =>
  `      ${name} (${mode}${sw}): \n${events.length ? `        null=[\n${events.join('')}        ]\n` : ''}`;
function uidBlock(pkg, state, uidModes, ops) {
  const uid = uidOf[pkg] ?? 1000;
  return `  Uid ${fmtUid(uid)}:
    state=${state}
    capability=LCMN
    appWidgetVisible=false
${uidModes.map((m) => `      ${m}\n`).join('')}    Package ${pkg}:
${ops.join('')}`;
}
const appops = `Current AppOps Service state:
  Settings:
    top_state_settle_time=+5s0ms
    fg_service_state_settle_time=+5s0ms
    bg_state_settle_time=+1s0ms

  Op mode watchers:
    Op COARSE_LOCATION:
      #0: ModeCallback{5c1a7e2 watchinguid=-1 flags=0x1 from uid=1000 pid=1402}
    Op SYSTEM_ALERT_WINDOW:
      #0: ModeCallback{0b7e2d9 watchinguid=-1 flags=0x0 from uid=1000 pid=1402}
  Package mode watchers:
    Pkg com.samsung.android.lool:
      #0: ModeCallback{2f8d4a0 watchinguid=-1 flags=0x0 from uid=1000 pid=1402}

${uidBlock('com.samsung.android.messaging', 'cch', ['LEGACY_STORAGE: mode=allow'], [
  op('READ_SMS', 'allow', [access('bg-s', '2026-11-20 09:02:17.551')]),
  op('RECEIVE_SMS', 'allow', [access('bg-s', '2026-11-20 09:02:17.402')]),
])}${uidBlock('com.sec.android.app.sbrowser', 'cch', ['LEGACY_STORAGE: mode=allow'], [
  op('REQUEST_INSTALL_PACKAGES', 'allow', [access('top-s', '2026-11-02 21:33:10.442')]),
  op('SYSTEM_ALERT_WINDOW', 'default'),
])}${uidBlock('com.google.android.gms', 'pers', [], [
  op('COARSE_LOCATION', 'allow', [access('pers-s', '2026-11-20 09:59:30.120')]),
  op('FINE_LOCATION', 'allow', [access('pers-s', '2026-11-20 09:59:30.118')], ' / switch COARSE_LOCATION=allow'),
  op('GET_USAGE_STATS', 'default'),
])}${uidBlock('com.android.chrome', 'cch', [], [
  op('REQUEST_INSTALL_PACKAGES', 'default', [reject('top-s', '2026-10-30 18:11:54.007')]),
  op('SYSTEM_ALERT_WINDOW', 'ignore'),
])}${uidBlock('com.systemservice', 'fgsvc', ['LEGACY_STORAGE: mode=allow'], [
  op('COARSE_LOCATION', 'allow', [access('fgsvc-s', '2026-11-20 09:41:12.305')]),
  op('FINE_LOCATION', 'allow', [access('fgsvc-s', '2026-11-20 09:41:12.301')], ' / switch COARSE_LOCATION=allow'),
  op('READ_SMS', 'allow', [access('fgsvc-s', '2026-11-20 09:40:55.870')]),
  op('RECORD_AUDIO', 'allow', [access('fgsvc-s', '2026-11-20 02:13:09.004', ' duration=+15m0s2ms')]),
  op('SYSTEM_ALERT_WINDOW', 'allow', [access('fgsvc-s', '2026-11-19 22:14:40.001')]),
  op('GET_USAGE_STATS', 'allow', [access('fgsvc-s', '2026-11-20 09:58:03.117'), access('bg-s', '2026-11-20 07:12:44.650')]),
  op('RUN_IN_BACKGROUND', 'allow'),
])}${uidBlock('com.device.health.service', 'fgsvc', [], [
  op('COARSE_LOCATION', 'allow', [access('fgsvc-s', '2026-11-20 09:44:02.711')]),
  op('RECORD_AUDIO', 'allow'),
  op('SYSTEM_ALERT_WINDOW', 'default', [reject('fgsvc-s', '2026-11-19 23:02:10.773')]),
])}`;

// `dumpsys package` in full begins with the activity table. A plain dump prints no filter
// details: under MAIN stand the app-list icons AND other MAIN activities (home screens, set-up
// screens). The hidden helper has an activity, but none answers MAIN.
const launcherComponents = read('launcher-activities.txt')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => /^[\w.]+\/[\w.$]+$/.test(l));
const mainOnly = [
  'com.sec.android.app.launcher/com.android.launcher3.uioverrides.QuickstepLauncher',
  'com.android.settings/.SubSettings',
  'com.google.android.gms/.auth.login.LoginActivity',
];
const entry = (c, tail = '') => `        ${hex(c)} ${c}${tail}\n`;
const resolverTable = `Activity Resolver Table:
  Full MIME Types:
      application/vnd.android.package-archive:
${entry('com.google.android.packageinstaller/com.android.packageinstaller.InstallStart', ' (2 filters)')}      text/plain:
${entry('com.samsung.android.messaging/com.android.mms.ui.ComposeMessageMmsActivity')}
  Schemes:
      tel:
${entry('com.samsung.android.dialer/.DialtactsActivity', ' (3 filters)')}
  Non-Data Actions:
      android.settings.ACCESSIBILITY_SETTINGS:
${entry('com.android.settings/.Settings$AccessibilitySettingsActivity')}      com.device.health.service.OPEN_SETTINGS:
${entry('com.device.health.service/.ui.SettingsActivity')}      android.intent.action.MAIN:
${[...launcherComponents, ...mainOnly].map((c) => entry(c)).join('')}      android.intent.action.SEARCH:
${entry('com.sec.android.app.sbrowser/.SBrowserMainActivity')}
Receiver Resolver Table:
  Non-Data Actions:
      android.intent.action.BOOT_COMPLETED:
${entry('com.systemservice/.receiver.BootReceiver')}${entry('com.device.health.service/.BootReceiver')}
`;
const packageDump = read('dumpsys-package.txt').replace(/^Packages:$/m, `${resolverTable}Packages:`);

// `dumpsys settings` (SettingsProvider): every namespace of the main user, with the app that
// last set each value, and a history that names (but does not show) recent changes
let settingId = 0;
function settingsSection(ns, file, history) {
  const lines = read(file)
    .trim()
    .split('\n')
    .map((l) => {
      const eq = l.indexOf('=');
      const [name, value] = [l.slice(0, eq), l.slice(eq + 1)];
      const pkg = /^enabled_|^install_non_market/.test(name) ? 'com.android.settings' : 'android';
      const dflt = name === 'adb_enabled' ? ' default:0 defaultSystemSet:true' : '';
      return `_id:${++settingId} name:${name} pkg:${pkg} value:${value}${dflt}`;
    });
  return `${ns} SETTINGS (user 0)\nversion: 213\n${lines.join('\n')}\n\nHistorical operations\n${history.map((h) => `  ${h}\n`).join('')}`;
}
const settingsDump = [
  settingsSection('GLOBAL', 'settings-global.txt', [
    '11-19 21:58:02.441 update package_verifier_enable',
    '11-19 21:58:09.102 update verifier_verify_adb_installs',
  ]),
  settingsSection('SECURE', 'settings-secure.txt', [
    '11-19 22:03:40.113 update enabled_accessibility_services',
    '11-19 22:04:12.870 update enabled_notification_listeners',
  ]),
  settingsSection('SYSTEM', 'settings-system.txt', []),
].join('');

const dumpsys = [
  `Currently running services:\n  accessibility\n  account\n  adb\n  appops\n  bluetooth_manager\n  companiondevice\n  connectivity\n  device_policy\n  deviceidle\n  package\n  role\n  settings\n  user\n`,
  service('CRITICAL cpuinfo', 'Load: 2.1 / 2.0 / 1.9\n'),
  service('accessibility', read('dumpsys-accessibility.txt')),
  service('account', read('dumpsys-account.txt')),
  service('adb', read('dumpsys-adb.txt')),
  service('appops', appops, '0.041'),
  // devices and networks linked to the phone, as the live scan reads them
  service('bluetooth_manager', read('dumpsys-bluetooth_manager.txt')),
  service('companiondevice', read('dumpsys-companiondevice.txt')),
  service('connectivity', read('dumpsys-connectivity.txt'), '0.031'),
  service('device_policy', read('dumpsys-device_policy.txt')),
  service('deviceidle', deviceIdleFull),
  service('package', packageDump, '0.874'),
  service('role', read('dumpsys-role.txt')),
  service('settings', settingsDump, '0.066'),
  service('user', read('dumpsys-user.txt')),
].join('');

// packages.json: one entry per app of the phone's pm list, with the file hashes and, for the APKs
// androidqf copied, the signer as apkverifier's CertInfo (Go field names, lower-case hex,
// names C-first). The values are those of the fixture's own keys (scripts/test-keys).
const apkFiles = {};
for (const line of read('profile.yaml').split('\n')) {
  const m = /^ {2}(\/data\/app\/\S+\.apk): (apks\/\S+)$/.exec(line);
  if (m) apkFiles[m[1]] = m[2];
}
const TRAINING_CERT = {
  Md5: '6da90ba37957a92bdd0be8605a527595',
  Sha1: '6bdb2cb7b0d9472a9791bac4839b0b3276e502d3',
  Sha256: '39b389f830f715bb8926de18f96e2a637adb38f8644f33cc2b1b5d022e21e216',
  ValidFrom: '2026-11-23T19:16:36Z',
  ValidTo: '2054-04-10T19:16:36Z',
  Issuer: 'C=XX, L=Nowhere, O=Training Spyware Ltd (not a real vendor), OU=spycheck training fixture, CN=Training Stalkerware Vendor',
  Subject: 'C=XX, L=Nowhere, O=Training Spyware Ltd (not a real vendor), OU=spycheck training fixture, CN=Training Stalkerware Vendor',
  SignatureAlgorithm: 'SHA256-RSA',
  SerialNumber: '@4417348305470071744@',
};
const SIDELOAD_CERT = {
  Md5: '75e06ffe703a960da9cfe86bb2b91399',
  Sha1: '68d0dedc4998af8c3f84b3f0bf324f932921b1df',
  Sha256: 'b89bcb8d5f3d7129f6b7b6949eac7c41ce265834be03b5a1a14154dfbd538552',
  ValidFrom: '2026-11-23T19:16:38Z',
  ValidTo: '2054-04-10T19:16:38Z',
  Issuer: 'C=US, ST=California, L=Mountain View, O=Android, OU=Android, CN=Android',
  Subject: 'C=US, ST=California, L=Mountain View, O=Android, OU=Android, CN=Android',
  SignatureAlgorithm: 'SHA256-RSA',
  SerialNumber: '@16947324035446787114@',
};
const NO_CERT = {
  Md5: '',
  Sha1: '',
  Sha256: '',
  ValidFrom: '0001-01-01T00:00:00Z',
  ValidTo: '0001-01-01T00:00:00Z',
  Issuer: '',
  Subject: '',
  SignatureAlgorithm: '',
  SerialNumber: '@null@',
};
const certOf = {
  'com.systemservice': TRAINING_CERT,
  'com.dailyplanner.notes': TRAINING_CERT,
  'com.device.health.service': SIDELOAD_CERT,
};
// the copy of this APK is left out of apks/ (as when an acquisition is passed on without all its
// app copies): who signed it is then known only from packages.json
const NOT_COPIED = new Set(['com.dailyplanner.notes']);
const fileHash = (alg, data) => createHash(alg).update(data).digest('hex');
const packages = [];
for (const line of read('pm-list.txt').split('\n')) {
  const m = /^package:(.*)=([^=\s]+)\s+installer=(\S*)\s+uid:(\d+)/.exec(line);
  if (!m) continue;
  const [, path, name, installer, uid] = m;
  const local = apkFiles[path];
  const data = local ? readFileSync(join(phone, local)) : Buffer.from(`not a real apk: ${path}`);
  const cert = certOf[name];
  packages.push({
    name,
    files: [
      {
        path,
        local_name: '',
        md5: fileHash('md5', data),
        sha1: fileHash('sha1', data),
        sha256: fileHash('sha256', data),
        sha512: fileHash('sha512', data),
        error: '',
        verified_certificate: Boolean(cert),
        certificate: cert ?? NO_CERT,
        certificate_error: '',
        trusted_certificate: false,
      },
    ],
    installer,
    uid: Number(uid),
    disabled: false,
    system: !path.startsWith('/data/'),
    third_party: path.startsWith('/data/'),
  });
}
// Go writes big.Int serial numbers as bare JSON numbers, and a missing one as null
const packagesJson = JSON.stringify(packages, null, 4).replace(/"@([0-9]+|null)@"/g, '$1');

const qf = join(here, 'androidqf-infected');
rmSync(qf, { recursive: true, force: true });
mkdirSync(join(qf, 'apks'), { recursive: true });
const put = (f, data) => writeFileSync(join(qf, f), data);
put(
  'acquisition.json',
  `${JSON.stringify({ UUID: '6f1c6b9e-3c1e-4f55-9a11-0c3f1b7d2a10', AndroidQFVersion: 'v1.7.0', Started: '2026-11-20T10:00:00Z', Completed: '2026-11-20T10:04:10Z' }, null, 2)}\n`,
);
put('getprop.txt', getprop);
put('settings_secure.txt', read('settings-secure.txt'));
put('settings_global.txt', read('settings-global.txt'));
put('settings_system.txt', read('settings-system.txt'));
put('dumpsys.txt', dumpsys);
put('packages.json', `${packagesJson}\n`);
// what `which -a` printed for each root tool androidqf looks for (busybox was not found)
put('root_binaries.json', `${JSON.stringify(['/system/bin/su', '/system/bin/magisk'], null, 4)}\n`);
put('processes.txt', 'USER PID PPID VSZ RSS WCHAN ADDR S NAME\nroot 1 0 0 0 0 0 S init\n');
for (const [path, local] of Object.entries(apkFiles)) {
  const pkg = /\/([A-Za-z0-9._]+)-[^/]+\/base\.apk$/.exec(path)?.[1] ?? 'app';
  if (NOT_COPIED.has(pkg)) continue;
  put(`apks/${pkg}_base.apk`, readFileSync(join(phone, local)));
}

// a minimal ZIP writer (deflate), enough for fixtures
function zip(entries) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBuf = Buffer.from(name, 'utf8');
    const body = deflateRawSync(data);
    const crc = crc32(data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x800, 6);
    lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(data.length, 22);
    lh.writeUInt16LE(nameBuf.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x800, 8);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(data.length, 24);
    ch.writeUInt16LE(nameBuf.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, nameBuf, body);
    central.push(ch, nameBuf);
    offset += lh.length + nameBuf.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

// androidqf ZIPs hold the acquisition inside a folder named by its UUID
const qfEntries = walk(qf)
  .sort()
  .map((p) => [`6f1c6b9e-3c1e-4f55-9a11-0c3f1b7d2a10/${relative(qf, p)}`, readFileSync(p)]);
writeFileSync(join(here, 'androidqf-infected.zip'), zip(qfEntries));

const main = 'bugreport-a12nsxx-SP1A.210812.016-2026-11-20-10-00-00.txt';
const bugreport = `========================================================
== dumpstate: 2026-11-20 10:00:00
========================================================

Build: SP1A.210812.016.A125FXXU3CWA3
Bugreport format version: 2.0
Dumpstate info: id=1 pid=4242 dry_run=0 parallel_run=1 args=-S bugreport_mode=

------ UPTIME (uptime) ------
 10:00:01 up 3 days,  2:11,  0 users,  load average: 2.10, 2.00, 1.90
------ 0.004s was the duration of 'UPTIME' ------
------ SYSTEM PROPERTIES (getprop) ------
${getprop.replace(/\n*$/, '\n')}------ 0.020s was the duration of 'SYSTEM PROPERTIES' ------
------ DUMPSYS CRITICAL (/system/bin/dumpsys) ------
${service('CRITICAL cpuinfo', 'Load: 2.1 / 2.0 / 1.9\n')}------ 0.030s was the duration of 'DUMPSYS CRITICAL' ------
------ DUMPSYS (/system/bin/dumpsys) ------
${dumpsys}------ 1.420s was the duration of 'DUMPSYS' ------
------ CHECKIN BATTERYSTATS (dumpsys batterystats -c) ------
9,0,i,vers,36,208,SP1A,SP1A
------ 0.110s was the duration of 'CHECKIN BATTERYSTATS' ------
`;
writeFileSync(
  join(here, 'bugreport-infected.zip'),
  zip([
    ['main_entry.txt', Buffer.from(main)],
    ['version.txt', Buffer.from('2.0\n')],
    [main, Buffer.from(bugreport)],
    ['dumpstate_board.txt', Buffer.from('------ BOARD ------\n')],
    ['FS/data/misc/recovery/last_log', Buffer.from('recovery log\n')],
  ]),
);
console.log('wrote androidqf-infected/, androidqf-infected.zip, bugreport-infected.zip');
