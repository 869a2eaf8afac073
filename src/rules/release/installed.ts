/**
 * Which pack folders a scan, `analyze` and `rules list` load by default: the shipped packs,
 * with an installed newer version of a shipped pack in its place, then installed packs
 * that spycheck does not ship. Cheap: a few small reads, no YAML parser.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultRulesDir } from '../load.js';
import { type InstalledPack, installedPacks } from './store.js';
import { compareVersions, validPackId, validVersion } from './versions.js';

export interface ShippedPack {
  dir: string;
  /** undefined when pack.yaml does not state them plainly (the pack is still loaded) */
  id?: string;
  version?: string;
}

/** id and version from a pack.yaml, without the YAML parser (both are plain scalars). */
function idAndVersion(text: string): { id?: string; version?: string } {
  const scalar = (key: string) => {
    const m = new RegExp(`^${key}:[ \\t]*(['"]?)([^'"#\\s]+)\\1[ \\t]*(?:#.*)?$`, 'm').exec(text);
    return m?.[2];
  };
  return { id: scalar('id'), version: scalar('version') };
}

/** The shipped pack folders (folders of `shippedDir` holding pack.yaml), sorted by name. */
export function shippedPacks(shippedDir: string = defaultRulesDir()): ShippedPack[] {
  const out: ShippedPack[] = [];
  let names: string[];
  try {
    names = readdirSync(shippedDir).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const dir = join(shippedDir, name);
    try {
      if (!lstatSync(dir).isDirectory()) continue;
      const { id, version } = idAndVersion(readFileSync(join(dir, 'pack.yaml'), 'utf8'));
      out.push({ dir, ...(validPackId(id) && validVersion(version) ? { id, version } : {}) });
    } catch {
      // not a pack folder
    }
  }
  return out;
}

export interface DefaultRulePaths {
  /** what to hand the loader */
  paths: string[];
  /** installed packs in use, by pack folder */
  installed: Map<string, InstalledPack>;
  /** installed packs not used because the shipped one is as new or newer */
  superseded: InstalledPack[];
}

/**
 * The default packs. With nothing installed this is just the shipped folder, as before.
 * An installed pack replaces the shipped pack of the same id only when it is newer: a
 * spycheck upgrade that ships a newer version wins over an older download.
 */
export function defaultRulePaths(
  env: NodeJS.ProcessEnv = process.env,
  shippedDir: string = defaultRulesDir(),
  /** a pack about to be installed, in place of the installed one with its id (update.ts) */
  candidate?: InstalledPack,
): DefaultRulePaths {
  const installed = installedPacks(env).filter((p) => p.id !== candidate?.id);
  if (candidate) installed.push(candidate);
  if (installed.length === 0) return { paths: [shippedDir], installed: new Map(), superseded: [] };
  const shipped = shippedPacks(shippedDir);
  const byId = new Map(installed.map((p) => [p.id, p]));
  const used = new Map<string, InstalledPack>();
  const superseded: InstalledPack[] = [];
  const paths: string[] = [];
  const shippedIds = new Set(shipped.map((s) => s.id));
  for (const s of shipped) {
    const i = s.id ? byId.get(s.id) : undefined;
    if (i && s.version && compareVersions(i.version, s.version) > 0) {
      paths.push(i.dir);
      used.set(i.dir, i);
    } else {
      if (i) superseded.push(i);
      paths.push(s.dir);
    }
  }
  for (const i of installed) {
    if (shippedIds.has(i.id)) continue;
    paths.push(i.dir);
    used.set(i.dir, i);
  }
  return { paths, installed: used, superseded };
}

/** The shipped pack with this id, when spycheck ships one. */
export function shippedPack(
  id: string,
  shippedDir: string = defaultRulesDir(),
): ShippedPack | undefined {
  return shippedPacks(shippedDir).find((s) => s.id === id);
}
