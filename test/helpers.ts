import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { expect } from 'vitest';
import { type CliContext, EXIT, type ExitCode } from '../src/cli/context.js';
import { main } from '../src/cli/index.js';
import { createAdbClient } from '../src/device/android/adbServer.js';
import { collectAndroid } from '../src/device/android/collector.js';
import { isAllowedShell, isAllowedSync } from '../src/device/android/commands.js';
import { ReadOnlyAndroidPhone } from '../src/device/android/phone.js';
import { LOCKDOWN_ALLOWED, SERVICE_ALLOWED, USBMUX_ALLOWED } from '../src/device/ios/allowlist.js';
import type { AndroidSnapshot } from '../src/model/snapshot.js';
import type { DeviceProfile } from '../src/sim/android/device.js';
import { startFakeAdbServer } from '../src/sim/android/fakeAdbServer.js';
import type { LoggedRequest, RequestLog } from '../src/sim/android/requestLog.js';
import type { FakeUsbmuxd } from '../src/sim/ios/usbmuxd.js';
import { androidCollectOptions, assembleAndroidSnapshot } from '../src/snapshot/android.js';

export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output, as a user would from a shell. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CapturedRun> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  let code: ExitCode = EXIT.ok;
  const ctx: CliContext = {
    stdout: out,
    stderr: err,
    // one signing key per test file, as on one computer: scan signs, verify trusts it
    // no test reaches a real usbmuxd by chance: tests that want iPhones start a simulated one
    env: {
      SPYCHECK_CONFIG_DIR: configDir(),
      USBMUXD_SOCKET_ADDRESS: 'UNIX:/nonexistent/spycheck-test-usbmuxd',
      ...env,
    },
    interactive: false,
    color: false,
    exit: (c) => {
      code = c;
    },
  };
  const result = await main(['node', 'spycheck', ...args], { ctx, code: () => code });
  return { code: result, stdout, stderr };
}

let sharedConfigDir: string | undefined;
function configDir(): string {
  sharedConfigDir ??= tempDir('spycheck-key-');
  return sharedConfigDir;
}

export function tempDir(prefix = 'spycheck-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Every request a simulated phone received that is not a read-only one. */
export function forbiddenRequests(entries: readonly LoggedRequest[]): LoggedRequest[] {
  return entries.filter((e) => {
    if (e.kind === 'shell') return !isAllowedShell(e.request.replace(/^shell:/, ''));
    if (e.kind === 'sync') {
      const [op, ...rest] = e.request.split(' ');
      return op !== 'QUIT' && !isAllowedSync(op ?? '', rest.join(' '));
    }
    // protocol handshakes are fine; any other device service (reboot:, root:, exec:…) is not
    if (e.kind === 'other') return !/^(CNXN |AUTH |ignored |sync:$)/.test(e.request);
    return false;
  });
}

/** Every request in the simulated iPhone's log is on the iOS door's allowlist, and none was refused. */
export function expectOnlyAllowedIosReads(s: FakeUsbmuxd): void {
  expect(s.log.forbidden()).toEqual([]);
  for (const e of s.log.entries) {
    const word = e.request.split(' ')[0]!;
    if (e.via === 'usbmuxd') expect(USBMUX_ALLOWED).toContain(word);
    else if (e.via === 'lockdownd') expect(LOCKDOWN_ALLOWED).toContain(word);
    else {
      const [service, command] = e.request.split(' ');
      expect(SERVICE_ALLOWED[service!]?.commands).toContain(command);
    }
  }
}

/**
 * Reads a simulated phone in process, as a live scan does: the fake adb server, the read-only
 * phone, the collector and the assembler (no rules, no bundle). Returns what the phone was asked.
 */
export async function readSimulatedPhone(
  profile: DeviceProfile,
): Promise<{ snapshot: AndroidSnapshot; log: RequestLog }> {
  const server = await startFakeAdbServer({ profiles: [profile] });
  try {
    const client = createAdbClient(
      { host: server.host, port: server.port, source: 'test' },
      '/bin/false',
    );
    const c = await collectAndroid(
      new ReadOnlyAndroidPhone(client, profile.serial),
      androidCollectOptions(),
    );
    const snapshot = assembleAndroidSnapshot(c, { name: 'spycheck', version: 'test' });
    return { snapshot, log: server.log };
  } finally {
    await server.close();
  }
}
