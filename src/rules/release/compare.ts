/**
 * `spycheck rules diff [PACK]`: for each pack installed by `rules update`, what the version
 * in use changed against the one before it (or against the version that came with
 * spycheck, when there was none before it).
 */
import { defaultRulesDir, parsePackDir } from '../load.js';
import { diffPacks, type PackDiff } from './diff.js';
import { shippedPack } from './installed.js';
import { packFilesDir, readPointer, storedPackIds, storeRoot, versionPresent } from './store.js';

export type CompareResult =
  | { ok: true; diffs: PackDiff[]; notes: string[] }
  | { ok: false; message: string };

export async function compareInstalled(
  env: NodeJS.ProcessEnv,
  only?: string,
  shippedDir: string = defaultRulesDir(),
): Promise<CompareResult> {
  const root = storeRoot(env);
  const ids = storedPackIds(root).filter((id) => only === undefined || id === only);
  const diffs: PackDiff[] = [];
  const notes: string[] = [];
  for (const id of ids) {
    const p = readPointer(root, id);
    if (!p?.version || !versionPresent(root, id, p.version)) {
      if (only)
        notes.push(
          `${id}: the version that came with spycheck is in use; nothing installed to compare.`,
        );
      continue;
    }
    const now = await parsePackDir(packFilesDir(root, id, p.version));
    if (!now.pack) {
      notes.push(
        `${id} ${p.version}: the installed files do not load (run spycheck rules list to see why).`,
      );
      continue;
    }
    const shipped = shippedPack(id, shippedDir);
    const beforeDir =
      p.previous && versionPresent(root, id, p.previous)
        ? packFilesDir(root, id, p.previous)
        : shipped?.dir;
    const before = beforeDir ? (await parsePackDir(beforeDir)).pack : undefined;
    diffs.push(diffPacks(before, now.pack, beforeDir === shipped?.dir ? 'shipped' : 'installed'));
  }
  if (ids.length === 0 && only) {
    const shipped = shippedPack(only, shippedDir);
    return shipped
      ? {
          ok: true,
          diffs,
          notes: [
            `${only}: the version that came with spycheck (${shipped.version}) is in use; nothing installed to compare.`,
          ],
        }
      : { ok: false, message: `There is no pack "${only}" on this laptop.` };
  }
  if (ids.length === 0)
    notes.push(
      'No rule packs were installed with rules update; every pack in use came with spycheck.',
    );
  return { ok: true, diffs, notes };
}
