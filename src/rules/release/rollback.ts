/**
 * `spycheck rules rollback PACK`: goes back to the version installed before (kept by
 * update.ts), or to the version that came with spycheck. The version gone back from is
 * remembered, so `rules update` does not install it again.
 */
import { defaultRulesDir, parsePackDir } from '../load.js';
import { diffPacks, type PackDiff } from './diff.js';
import { shippedPack } from './installed.js';
import {
  packFilesDir,
  readPointer,
  StoreBusyError,
  storeRoot,
  versionPresent,
  withStoreLock,
  writePointer,
} from './store.js';
import { validPackId } from './versions.js';

export type RollbackResult =
  | { ok: true; message: string; diff?: PackDiff }
  | { ok: false; message: string };

export async function rollbackPack(
  id: string,
  env: NodeJS.ProcessEnv,
  shippedDir: string = defaultRulesDir(),
): Promise<RollbackResult> {
  const root = storeRoot(env);
  const pointer = validPackId(id) ? readPointer(root, id) : undefined;
  if (!pointer?.version || !versionPresent(root, id, pointer.version)) {
    return {
      ok: false,
      message: `No pack "${id}" was installed by rules update on this laptop, so there is nothing to go back from. spycheck rules list shows the packs in use.`,
    };
  }
  const from = pointer.version;
  const rolledBackFrom = [...new Set([...pointer.rolledBackFrom, from])];
  const shipped = shippedPack(id, shippedDir);
  let to: { version: string | null; dir?: string; words: string };
  if (pointer.previous && versionPresent(root, id, pointer.previous)) {
    to = {
      version: pointer.previous,
      dir: packFilesDir(root, id, pointer.previous),
      words: `version ${pointer.previous}`,
    };
  } else if (shipped) {
    to = {
      version: null,
      dir: shipped.dir,
      words: `the version that came with spycheck${shipped.version ? `, ${shipped.version},` : ''}`,
    };
  } else {
    return {
      ok: false,
      message: `There is no earlier version of ${id} on this laptop to go back to. Nothing was changed.`,
    };
  }
  try {
    await withStoreLock(root, () =>
      writePointer(root, id, { version: to.version, previous: null, rolledBackFrom }),
    );
  } catch (err) {
    if (err instanceof StoreBusyError) return { ok: false, message: err.message };
    throw err;
  }
  const [a, b] = await Promise.all([
    parsePackDir(packFilesDir(root, id, from)),
    to.dir ? parsePackDir(to.dir) : undefined,
  ]);
  const diff = a.pack && b?.pack ? diffPacks(a.pack, b.pack) : undefined;
  return {
    ok: true,
    message: `${id} is back to ${to.words} instead of ${from}. Every scan now uses it. rules update will not install ${from} again; it will install a newer version when the publisher releases one.`,
    ...(diff ? { diff } : {}),
  };
}
