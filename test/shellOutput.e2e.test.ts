/**
 * Issue 7 defect 5: a phone that never stops sending output (or sends it a
 * few bytes at a time, never finishing) must not stop the evidence being
 * saved. The scan ends, the bundle is signed and marked incomplete (exit 3),
 * and what was read is kept.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceProfile, loadProfileData, type ShellFault } from '../src/sim/android/device.js';
import { type FakeAdbServer, startFakeAdbServer } from '../src/sim/android/fakeAdbServer.js';
import { runCli, tempDir } from './helpers.js';

const MiB = 1024 * 1024;

let server: FakeAdbServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function scanWith(faults: Record<string, ShellFault>, env: NodeJS.ProcessEnv) {
  const data = await loadProfileData('infected-a12');
  const profile = new DeviceProfile({ ...data, faults });
  server = await startFakeAdbServer({ profiles: [profile] });
  const out = join(tempDir(), 'bundle');
  const t0 = Date.now();
  const r = await runCli(['scan', '--consent', '--out', out, '--format', 'json'], {
    ANDROID_ADB_SERVER_PORT: String(server.port),
    SPYCHECK_ADB_BIN: '/bin/false',
    ...env,
  });
  return { r, out, ms: Date.now() - t0, server };
}

interface SavedSnapshot {
  complete: boolean;
  warnings: string[];
  checks: { id: string; status: string; reason?: string }[];
  raw: { id: string; command: string; file: string; bytes: number }[];
}

function readBundle(out: string) {
  expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  expect(existsSync(join(out, 'manifest.sig'))).toBe(true);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  const snapshot = JSON.parse(readFileSync(join(out, 'snapshot.json'), 'utf8')) as SavedSnapshot;
  return { manifest, snapshot };
}

describe('a phone whose answer to one command never ends', () => {
  it('stops reading at the cap, keeps what came, and saves a signed bundle marked incomplete', async () => {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const {
      r,
      out,
      server: s,
    } = await scanWith(
      { 'settings list global': { kind: 'endless' } },
      { SPYCHECK_MAX_SHELL_BYTES: String(8 * MiB) },
    );
    const rssGrowth = process.memoryUsage().rss - rssBefore;

    expect(r.code).toBe(3);
    const { manifest, snapshot } = readBundle(out);
    expect(manifest.scan.complete).toBe(false);
    expect(snapshot.complete).toBe(false);
    expect((await runCli(['verify', out])).code).toBe(0);

    // the step is reported as not fully checked, and why
    const settings = snapshot.checks.find((c) => c.id === 'settings');
    expect(settings?.status).toBe('partial');
    expect(snapshot.warnings.join('\n')).toContain(
      'The phone kept sending output for "settings list global" past 8 MB, so spycheck stopped reading it',
    );
    // every other check still ran: one faulty command is not a lost phone
    expect(snapshot.checks.find((c) => c.id === 'apps')?.status).toBe('ok');
    expect(snapshot.checks.find((c) => c.id === 'signing-certs')?.status).toBe('ok');

    // the truncated answer is kept as evidence, named in the warning
    const kept = snapshot.raw.find((x) => x.command === 'settings list global');
    expect(kept).toBeDefined();
    expect(kept!.bytes).toBeGreaterThan(8 * MiB);
    expect(kept!.bytes).toBeLessThan(9 * MiB);
    expect(statSync(join(out, 'raw', kept!.file)).size).toBe(kept!.bytes);
    expect(snapshot.warnings.join('\n')).toContain(`raw/${kept!.file}`);

    // the simulated phone saw the stream closed, and stopped
    const answer = s.faultAnswers[0]!;
    expect(answer.closed).toBeDefined();
    expect(answer.bytesSent).toBeLessThan(64 * MiB);
    // memory stays bounded (the old reader reached 1 GB and never finished)
    expect(rssGrowth).toBeLessThan(300 * MiB);
  });
});

describe('a phone that trickles an answer and never finishes it', () => {
  it('gives up after the request time limit, closes the stream and saves a signed bundle', async () => {
    const {
      r,
      out,
      ms,
      server: s,
    } = await scanWith(
      { 'dumpsys package packages': { kind: 'slow', bytes: 4, intervalMs: 200 } },
      { SPYCHECK_REQUEST_TIMEOUT_MS: '1500' },
    );
    expect(r.code).toBe(3);
    expect(ms).toBeLessThan(30_000);
    const { manifest, snapshot } = readBundle(out);
    expect(manifest.scan.complete).toBe(false);
    expect((await runCli(['verify', out])).code).toBe(0);
    expect(snapshot.checks.find((c) => c.id === 'app-details')?.status).not.toBe('ok');
    expect(snapshot.warnings.join('\n')).toMatch(/no answer to "dumpsys package packages" in 2 s/);
    // the simulated phone saw the stream closed soon after the time limit
    const answer = s.faultAnswers[0]!;
    for (let i = 0; i < 100 && !answer.closed; i++) await new Promise((res) => setTimeout(res, 20));
    expect(answer.closed).toBeDefined();
    const closedAfter = Date.parse(answer.closed!) - Date.parse(answer.started);
    expect(closedAfter).toBeGreaterThanOrEqual(1400);
    expect(closedAfter).toBeLessThan(5000);
  });
});
