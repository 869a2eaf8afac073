/** Drive Debian's real adb against simulated phones: tests and the benchmark use it. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADB = '/usr/bin/adb';
export const hasAdb = existsSync(ADB);

/** A TCP port free now, in the ephemeral range (never adb's 5555–5585 emulator probes). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

export interface RealAdbServer {
  port: number;
  adb(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }>;
  connect(target: string, state?: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Debian's real adb server on its own port with its own HOME (adb writes
 * ~/.android/adbkey there), so tests never touch a user's adb set-up.
 */
export async function startRealAdbServer(): Promise<RealAdbServer> {
  const home = mkdtempSync(join(tmpdir(), 'spycheck-adb-home-'));
  const port = await freePort();
  const adb = (...args: string[]) =>
    new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
      execFile(
        ADB,
        ['-P', String(port), ...args],
        {
          env: { ...process.env, HOME: home, ANDROID_ADB_SERVER_PORT: undefined },
          timeout: 30_000,
        },
        (err, stdout, stderr) => {
          resolve({
            stdout,
            stderr,
            code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
          });
        },
      );
    });
  await adb('start-server');
  return {
    port,
    adb,
    /** adb connect, then wait until the server lists the phone in the given state */
    async connect(target: string, state = 'device'): Promise<void> {
      await adb('connect', target);
      for (let i = 0; i < 60; i++) {
        const { stdout } = await adb('devices');
        if (stdout.includes(`${target}\t${state}`)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`adb never listed ${target} as ${state}`);
    },
    async stop(): Promise<void> {
      await adb('kill-server');
      rmSync(home, { recursive: true, force: true });
    },
  };
}
