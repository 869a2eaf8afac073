/**
 * Android bugreport ZIPs (`adb bugreport`): main_entry.txt names the main text file
 * (bugreport-<device>-<build>-<time>.txt), which holds `------ SYSTEM PROPERTIES (getprop) ------`
 * and the full dumpsys (`DUMP OF SERVICE package:` …). Apps, and which of them have an icon,
 * are read from the package service dump; app-op permissions, battery exemptions and settings
 * from the full appops, deviceidle and settings dumps. A bugreport has no search for su and no
 * APK hashes: those checks stay "not checked" (or partly checked).
 */
import { phoneLocalTimeToUtc } from '../../parse/android/phoneTime.js';
import { DUMPSYS_SERVICES, noteStrayPackages, useFullServiceDumps } from './androidqf.js';
import { CollectionBuilder, serialFromGetprop } from './collection.js';
import { bugreportSection, splitDumpsysServices } from './sections.js';
import { findByBaseName, type ImportFiles } from './zipFolder.js';

// below V8's ~512 MiB string limit, so a large file gets a plain message, not a crash
const MAX_MAIN = 256 * 1024 * 1024;
export const BUGREPORT_MAIN = /^bugreport-.*\.txt$/i;

/** The main text file: the one main_entry.txt names, else the shallowest bugreport-*.txt. */
export function findBugreportMain(files: ImportFiles): string | undefined {
  const entry = findByBaseName(files, 'main_entry.txt');
  const named = entry ? files.read(entry, 4096)?.toString('utf8').trim() : undefined;
  if (named && files.names.includes(named)) return named;
  const found = findByBaseName(files, BUGREPORT_MAIN);
  // an old-style bugreport is one text file, whatever it was named
  if (!found && files.single) {
    return files.names[0];
  }
  return found;
}

export function importBugreport(
  files: ImportFiles,
  now = new Date(),
): ReturnType<CollectionBuilder['build']> | { error: string } {
  const main = findBugreportMain(files);
  if (!main) return { error: 'the bugreport has no bugreport-*.txt main file' };
  const buf = files.read(main, MAX_MAIN);
  if (!buf) return { error: `its main file ${main} could not be read (${files.warnings.at(-1)})` };
  const text = buf.toString('utf8');
  let started = now.toISOString();
  const b = new CollectionBuilder('bugreport', started);
  b.keep(main, buf);

  const getprop = bugreportSection(text, 'SYSTEM PROPERTIES');
  if (getprop)
    b.outputs.getprop = { command: `bugreport:${main} (SYSTEM PROPERTIES)`, text: getprop };
  const services = splitDumpsysServices(text);
  noteStrayPackages(b, text, services.get('package'));
  for (const [service, step] of Object.entries(DUMPSYS_SERVICES)) {
    const t = services.get(service);
    if (t !== undefined)
      b.outputs[step] = { command: `bugreport:${main} (DUMP OF SERVICE ${service})`, text: t };
  }
  useFullServiceDumps(b, services, `bugreport:${main}`);
  b.notes.push(
    'Imported from a bugreport: it holds no search for root tools such as su and no app file fingerprints, so those checks were not made or were made only in part.',
  );

  // "== dumpstate: 2024-03-01 10:22:33" is the phone's local time
  const stamp = /^== dumpstate: (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/m.exec(text.slice(0, 4096))?.[1];
  const tz = /^\[persist\.sys\.timezone\]: \[([^\]\n]*)\]/m.exec(getprop ?? '')?.[1];
  const utc = stamp ? phoneLocalTimeToUtc(stamp, tz || 'UTC') : undefined;
  if (utc) started = utc;
  return b.build(serialFromGetprop(getprop), started, started, files.warnings.slice(0, 20));
}
