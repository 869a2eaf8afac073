import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * Where spycheck keeps data the user installed (rule packs from `rules update`, trusted
 * rule signers): $SPYCHECK_DATA_DIR, else $XDG_DATA_HOME/spycheck, else
 * ~/Library/Application Support/spycheck (macOS), %APPDATA%\spycheck (Windows),
 * ~/.local/share/spycheck (elsewhere). Unlike the cache, nothing here can be rebuilt.
 */
export function dataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.SPYCHECK_DATA_DIR) return resolve(env.SPYCHECK_DATA_DIR);
  // the XDG spec: a relative path is ignored
  if (env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME))
    return join(env.XDG_DATA_HOME, 'spycheck');
  const home = env.HOME || env.USERPROFILE || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'spycheck');
  if (platform === 'win32')
    return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'spycheck');
  return join(home, '.local', 'share', 'spycheck');
}
