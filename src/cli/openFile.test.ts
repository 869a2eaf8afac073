import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { openerFor, openWithSystem } from './openFile.js';

/** A stand-in for spawn: records the call and never starts anything. */
function fakeSpawn(then: (child: EventEmitter) => void) {
  const calls: { command: string; args: readonly string[]; options: SpawnOptions }[] = [];
  let unrefs = 0;
  const spawnFn = (command: string, args: readonly string[], options: SpawnOptions) => {
    calls.push({ command, args, options });
    const child = Object.assign(new EventEmitter(), {
      unref: () => {
        unrefs++;
      },
    });
    setImmediate(() => then(child));
    return child as unknown as ChildProcess;
  };
  return { spawnFn, calls, unrefs: () => unrefs };
}

describe('openerFor', () => {
  it('uses the opener of each kind of computer, with the path as one argument', () => {
    const path = '/tmp/a b; rm -rf ~/$(x)/report.html';
    expect(openerFor(path, 'linux')).toEqual({ command: 'xdg-open', args: [path] });
    expect(openerFor(path, 'darwin')).toEqual({ command: 'open', args: [path] });
    const win = openerFor(path, 'win32');
    expect(win.command).toBe('cmd');
    expect(win.args.slice(0, 3)).toEqual(['/c', 'start', '""']);
    expect(win.args[3]).toMatch(/^".*report\.html"$/);
  });
});

describe('openWithSystem', () => {
  it('starts the opener detached, without a shell, ignoring its output', async () => {
    const f = fakeSpawn((c) => c.emit('exit', 0));
    await openWithSystem('/tmp/x/report.html', { platform: 'linux', spawnFn: f.spawnFn });
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0]).toMatchObject({
      command: 'xdg-open',
      args: ['/tmp/x/report.html'],
      options: { detached: true, stdio: 'ignore', shell: false },
    });
    expect(f.unrefs()).toBe(1);
  });

  it('an opener still running after the wait counts as started', async () => {
    const f = fakeSpawn(() => {});
    await expect(
      openWithSystem('/tmp/x/report.html', { platform: 'darwin', spawnFn: f.spawnFn, waitMs: 20 }),
    ).resolves.toBeUndefined();
  });

  it('says when there is no opener, or it failed', async () => {
    const missing = fakeSpawn((c) =>
      c.emit('error', Object.assign(new Error('spawn xdg-open ENOENT'), { code: 'ENOENT' })),
    );
    await expect(
      openWithSystem('/tmp/r.html', { platform: 'linux', spawnFn: missing.spawnFn }),
    ).rejects.toThrow('xdg-open is not installed on this computer');
    const failed = fakeSpawn((c) => c.emit('exit', 3));
    await expect(
      openWithSystem('/tmp/r.html', { platform: 'linux', spawnFn: failed.spawnFn }),
    ).rejects.toThrow('xdg-open found no program to open it with (code 3)');
  });
});
