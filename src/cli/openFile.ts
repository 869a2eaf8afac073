/**
 * Opens a file in the program this computer uses for it (report.html → the
 * web browser): xdg-open on Linux, open on macOS, `cmd /c start "" FILE` on
 * Windows. The path is one argument of its own, never part of a shell
 * string; the opener runs detached and its output is ignored.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { resolve } from 'node:path';

type Spawn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

/** The opener command for this kind of computer, and its arguments. */
export function openerFor(
  path: string,
  platform: NodeJS.Platform = process.platform,
): { command: string; args: string[] } {
  const file = resolve(path);
  if (platform === 'darwin') return { command: 'open', args: [file] };
  // "" is start's window title: without it the quoted path would be taken as the title.
  // The arguments go to cmd as written (see windowsVerbatimArguments below), so the path is
  // quoted here; a Windows path cannot hold a quote character.
  if (platform === 'win32')
    return { command: 'cmd', args: ['/c', 'start', '""', `"${file.replace(/"/g, '')}"`] };
  return { command: 'xdg-open', args: [file] };
}

/**
 * Hands the file to the opener. Resolves when it started and did not fail
 * straight away (an opener that finds no browser exits at once with an
 * error); rejects with the reason otherwise. Waits at most `waitMs` for that.
 */
export function openWithSystem(
  path: string,
  {
    platform = process.platform,
    spawnFn = spawn as Spawn,
    waitMs = 2000,
  }: { platform?: NodeJS.Platform; spawnFn?: Spawn; waitMs?: number } = {},
): Promise<void> {
  const { command, args } = openerFor(path, platform);
  return new Promise((resolvePromise, reject) => {
    let child: ChildProcess;
    try {
      child = spawnFn(command, args, {
        detached: true,
        stdio: 'ignore',
        shell: false,
        windowsHide: true,
        // Windows: cmd gets the arguments as written above, quotes and all
        windowsVerbatimArguments: platform === 'win32',
      });
    } catch (e) {
      reject(e);
      return;
    }
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.unref();
      if (err) reject(err);
      else resolvePromise();
    };
    const timer = setTimeout(() => settle(), waitMs);
    child.once('error', (e: NodeJS.ErrnoException) =>
      settle(e.code === 'ENOENT' ? new Error(`${command} is not installed on this computer`) : e),
    );
    child.once('exit', (code) =>
      settle(
        code === 0 || code === null
          ? undefined
          : new Error(`${command} found no program to open it with (code ${code})`),
      ),
    );
  });
}
