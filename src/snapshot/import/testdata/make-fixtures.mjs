// Builds the import fixtures from the simulated infected phone (fixtures/devices/infected-a12),
// laid out the way androidqf and `adb bugreport` lay out their output. Our own files, modelled
// on the real formats. Run: node src/snapshot/import/testdata/make-fixtures.mjs
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

// the full `dumpsys deviceidle` form, which spycheck does not read (only the `whitelist` form)
const deviceIdleFull = `  Settings:
    flex_time_short=+1m0s0ms
  Whitelist (except idle) system apps:
    com.android.shell
    com.google.android.gms
  Whitelist user apps:
    com.systemservice
  mLightEnabled=true  mDeepEnabled=true
`;

const dumpsys = [
  `Currently running services:\n  accessibility\n  account\n  adb\n  device_policy\n  deviceidle\n  package\n`,
  service('CRITICAL cpuinfo', 'Load: 2.1 / 2.0 / 1.9\n'),
  service('accessibility', read('dumpsys-accessibility.txt')),
  service('account', read('dumpsys-account.txt')),
  service('adb', read('dumpsys-adb.txt')),
  service('device_policy', read('dumpsys-device_policy.txt')),
  service('deviceidle', deviceIdleFull),
  service('package', read('dumpsys-package.txt'), '0.874'),
].join('');

// packages.json: one entry per app of the phone's pm list, with the SHA-256 of the APKs we have
const apkFiles = {};
for (const line of read('profile.yaml').split('\n')) {
  const m = /^ {2}(\/data\/app\/\S+\.apk): (apks\/\S+)$/.exec(line);
  if (m) apkFiles[m[1]] = m[2];
}
const packages = [];
for (const line of read('pm-list.txt').split('\n')) {
  const m = /^package:(.*)=([^=\s]+)\s+installer=(\S*)\s+uid:(\d+)/.exec(line);
  if (!m) continue;
  const [, path, name, installer, uid] = m;
  const local = apkFiles[path];
  const sha256 = local
    ? createHash('sha256').update(readFileSync(join(phone, local))).digest('hex')
    : createHash('sha256').update(`not a real apk: ${path}`).digest('hex');
  packages.push({
    name,
    files: [{ path, local_name: '', sha256, error: '' }],
    installer,
    uid: Number(uid),
    disabled: false,
    system: !path.startsWith('/data/'),
    third_party: path.startsWith('/data/'),
  });
}

const qf = join(here, 'androidqf-infected');
rmSync(qf, { recursive: true, force: true });
mkdirSync(join(qf, 'apks'), { recursive: true });
const put = (f, data) => writeFileSync(join(qf, f), data);
put(
  'acquisition.json',
  `${JSON.stringify({ UUID: '6f1c6b9e-3c1e-4f55-9a11-0c3f1b7d2a10', AndroidQFVersion: 'v1.7.0', Started: '2026-11-20T10:00:00Z', Completed: '2026-11-20T10:04:10Z' }, null, 2)}\n`,
);
put('getprop.txt', read('getprop.txt'));
put('settings_secure.txt', read('settings-secure.txt'));
put('settings_global.txt', read('settings-global.txt'));
put('settings_system.txt', read('settings-system.txt'));
put('dumpsys.txt', dumpsys);
put('packages.json', `${JSON.stringify(packages, null, 1)}\n`);
put('processes.txt', 'USER PID PPID VSZ RSS WCHAN ADDR S NAME\nroot 1 0 0 0 0 0 S init\n');
for (const [path, local] of Object.entries(apkFiles)) {
  const pkg = /\/([A-Za-z0-9._]+)-[^/]+\/base\.apk$/.exec(path)?.[1] ?? 'app';
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
${read('getprop.txt').replace(/\n*$/, '\n')}------ 0.020s was the duration of 'SYSTEM PROPERTIES' ------
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
