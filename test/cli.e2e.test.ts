/**
 * The CLI contract (DESIGN.md) as a user meets it: scan --demo, --json,
 * exit codes, the bundle, a broken rule pack, a phone lost half way.
 */
import { createHash, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FindingsDoc } from '../src/model/findings.js';
import { generateSigningKey, rawPublicKey } from '../src/report/keys.js';
import { loadProfile } from '../src/sim/android/device.js';
import { type FakeAdbServer, startFakeAdbServer } from '../src/sim/android/fakeAdbServer.js';
import { runCli, tempDir } from './helpers.js';

let server: FakeAdbServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('spycheck scan --demo', () => {
  it('finds the known package, the renamed app by its certificate and the hidden accessibility app as high', async () => {
    const out = join(tempDir(), 'bundle');
    const r = await runCli(['scan', '--demo', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as FindingsDoc;
    const high = doc.findings.filter((f) => f.severity === 'high');
    const bySubject = new Map(high.map((f) => [f.subject.id, f]));
    // known Echap package name
    expect(
      bySubject
        .get('com.systemservice')
        ?.evidence.reasons.some((x) => x.matcher.startsWith('package')),
    ).toBe(true);
    // the indicator list's product name explains it, not the training pack that also matches
    expect(bySubject.get('com.systemservice')?.title).toMatch(/TheTruthSpy/);
    // renamed app: only its signing certificate gives it away
    const renamed = bySubject.get('com.dailyplanner.notes');
    expect(renamed?.evidence.reasons.map((x) => x.value)).toContain(
      '6BDB2CB7B0D9472A9791BAC4839B0B3276E502D3',
    );
    // unknown sideloaded app, hidden icon, accessibility + listener + admin
    expect(bySubject.has('com.device.health.service')).toBe(true);
    expect(doc.summary.high).toBe(high.length);

    // the bundle contract
    for (const f of [
      'manifest.json',
      'manifest.sig',
      'findings.json',
      'snapshot.json',
      'report.html',
      'report.pdf',
      'report.txt',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8'))).toEqual(doc);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.scan.complete).toBe(true);
    expect(manifest.rules.map((p: { id: string }) => p.id)).toContain('stalkerware-indicators');
    expect(manifest.files.some((f: { path: string }) => f.path.startsWith('raw/'))).toBe(true);
    // stdout held only the JSON; the human summary went to stderr
    expect(r.stderr).toMatch(/known spyware/);

    const v = await runCli(['verify', out]);
    expect(v.code).toBe(0);
    expect(v.stdout + v.stderr).toMatch(/[Uu]nchanged since/);
  });

  it('prints a plain summary on stdout without --json and honours --format', async () => {
    const out = join(tempDir(), 'b');
    const r = await runCli(['scan', '--demo', '--out', out, '--format', 'text']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/We found/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    expect(existsSync(join(out, 'report.txt'))).toBe(true);
    expect(existsSync(join(out, 'report.pdf'))).toBe(false);
  });

  it('exits 4 when --fail-on is reached, 0 on a clean phone', async () => {
    const hit = await runCli([
      'scan',
      '--demo',
      '--out',
      join(tempDir(), 'x'),
      '--fail-on',
      'high',
    ]);
    expect(hit.code).toBe(4);
    const clean = await runCli([
      'scan',
      '--demo',
      'clean-pixel14',
      '--out',
      join(tempDir(), 'y'),
      '--fail-on',
      'high',
    ]);
    expect(clean.code).toBe(0);
  });

  it('refuses a folder that already holds something, before reading the phone', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'keep.txt'), 'x');
    const r = await runCli(['scan', '--demo', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not empty/);
    expect(r.stderr).not.toMatch(/Reading/);
  });

  it('treats bad options as usage errors (exit 2)', async () => {
    expect((await runCli(['scan', '--format', 'docx'])).code).toBe(2);
    expect((await runCli(['scan', '--fail-on', 'severe'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });
});

describe('a broken rule pack', () => {
  it('stops the scan before the phone is touched, naming file and line', async () => {
    const profile = await loadProfile('infected-a12');
    server = await startFakeAdbServer({ profiles: [profile] });
    const pack = tempDir('spycheck-pack-');
    writeFileSync(
      join(pack, 'pack.yaml'),
      'schema: 1\nid: broken\nname: Broken\nversion: 1.0.0\nlicence: MIT\ndate: 2026-01-01\n',
    );
    mkdirSync(join(pack, 'rules'));
    writeFileSync(join(pack, 'rules', 'bad.yaml'), 'rules:\n  - id: x\n    title: [unclosed\n');
    const r = await runCli(['scan', '--rules', pack, '--out', join(tempDir(), 'z')], {
      ANDROID_ADB_SERVER_PORT: String(server.port),
      SPYCHECK_ADB_BIN: '/bin/false',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rule pack is broken/);
    expect(r.stderr).toMatch(/bad\.yaml:\d+/);
    expect(server.log.filter('shell')).toEqual([]);
  });
});

describe('a phone unplugged during the scan', () => {
  it('writes a bundle marked incomplete and exits 3', async () => {
    const profile = await loadProfile('infected-a12');
    server = await startFakeAdbServer({ profiles: [profile], latencyMs: 40 });
    const s = server;
    const timer = setInterval(() => {
      if (s.log.filter('shell').length >= 8) {
        clearInterval(timer);
        s.unplug(profile.serial);
      }
    }, 2);
    const out = join(tempDir(), 'partial');
    const r = await runCli(['scan', '--consent', '--out', out], {
      ANDROID_ADB_SERVER_PORT: String(server.port),
      SPYCHECK_ADB_BIN: '/bin/false',
    });
    clearInterval(timer);
    expect(r.code).toBe(3);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.scan.complete).toBe(false);
    const snapshot = JSON.parse(readFileSync(join(out, 'snapshot.json'), 'utf8'));
    expect(snapshot.raw.length).toBeGreaterThan(0);
    expect((await runCli(['verify', out])).code).toBe(0);
  });
});

describe('spycheck analyze BUNDLE', () => {
  it('re-checks a saved bundle into a new one that names where it came from', async () => {
    const first = join(tempDir(), 'first');
    expect((await runCli(['scan', '--demo', '--out', first, '--format', 'json'])).code).toBe(0);
    const second = join(tempDir(), 'second');
    const r = await runCli(['analyze', first, '--out', second, '--format', 'json', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as FindingsDoc;
    expect(doc.summary.high).toBeGreaterThanOrEqual(2);
    const manifest = JSON.parse(readFileSync(join(second, 'manifest.json'), 'utf8'));
    expect(manifest.derivedFrom?.bundle).toBe('first');
    expect((await runCli(['verify', second])).code).toBe(0);
  });
});

describe('spycheck doctor', () => {
  it('checks the set-up step by step and explains what is missing', async () => {
    const profile = await loadProfile('unauthorized-a13');
    server = await startFakeAdbServer({ profiles: [profile] });
    const r = await runCli(['doctor'], {
      ANDROID_ADB_SERVER_PORT: String(server.port),
      SPYCHECK_ADB_BIN: '/nonexistent/adb',
    });
    expect(r.stdout).toMatch(/adb is not installed/);
    expect(r.stdout).toMatch(/adb server answers/);
    expect(r.stdout).toMatch(/unauthorized[\s\S]*Allow/);
    expect(r.stdout).toMatch(/Rule packs: \d+ loaded/);
    // no phone can be read yet (it has not allowed this computer): the verdict says so last
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      'Ready to scan once a phone is connected, unlocked and trusts this computer (see the notes above).',
    );
    expect(r.stdout).not.toMatch(/not in this version/);
    expect(r.code).toBe(0);
    // doctor never runs a command on the phone
    expect(server.log.filter('shell')).toEqual([]);
  });
});

describe('a doctored bundle re-signed with another key', () => {
  it('does not verify, and says the key is unknown', async () => {
    const out = join(tempDir(), 'orig');
    expect((await runCli(['scan', '--demo', '--out', out, '--format', 'json'])).code).toBe(0);
    // the forger empties the findings, fixes the hash and signs with a key of their own
    const empty = `${JSON.stringify({ schema: 1, summary: { high: 0, medium: 0, low: 0, info: 0 }, findings: [] })}\n`;
    writeFileSync(join(out, 'findings.json'), empty);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const entry = manifest.files.find((f: { path: string }) => f.path === 'findings.json');
    entry.sha256 = createHash('sha256').update(empty).digest('hex');
    entry.bytes = Buffer.byteLength(empty);
    const forger = generateSigningKey();
    manifest.key = {
      ...manifest.key,
      publicKey: rawPublicKey(forger.publicKey).toString('base64'),
      fingerprint: forger.fingerprint,
    };
    const bytes = Buffer.from(JSON.stringify(manifest, null, 2));
    writeFileSync(join(out, 'manifest.json'), bytes);
    writeFileSync(join(out, 'manifest.sig'), sign(null, bytes, forger.privateKey));

    const v = await runCli(['verify', out]);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/does not know/);
    expect(v.stdout).not.toMatch(/Unchanged since/);
  });
});

describe('consent', () => {
  it('reads nothing from a real phone unless its owner agreed', async () => {
    const profile = await loadProfile('infected-a12');
    server = await startFakeAdbServer({ profiles: [profile] });
    const env = { ANDROID_ADB_SERVER_PORT: String(server.port), SPYCHECK_ADB_BIN: '/bin/false' };
    const r = await runCli(['scan', '--out', join(tempDir(), 'c')], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--consent/);
    expect(server.log.filter('shell')).toEqual([]);
  });
});

describe('a bundle folder that cannot be used', () => {
  it('is refused in plain words before the phone is read', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    const r = await runCli(['scan', '--demo', '--out', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is a file/);
    expect(r.stderr).not.toMatch(/Reading the phone/);
    const under = await runCli(['scan', '--demo', '--out', join(file, 'sub')]);
    expect(under.code).toBe(2);
    expect(under.stderr).toMatch(/Cannot make the folder/);
  });
});

describe('re-checking a doctored bundle', () => {
  it('takes over no file from outside raw/, and records that the source did not verify', async () => {
    const first = join(tempDir(), 'first');
    expect((await runCli(['scan', '--demo', '--out', first, '--format', 'json'])).code).toBe(0);
    // a doctored snapshot points one raw output at a secret outside the bundle
    const secret = join(tempDir(), 'secret.pem');
    writeFileSync(secret, '-----BEGIN PRIVATE KEY-----\nnot for you\n');
    const snapPath = join(first, 'snapshot.json');
    const snap = JSON.parse(readFileSync(snapPath, 'utf8'));
    snap.raw[0].file = `../../..${secret}`;
    writeFileSync(snapPath, JSON.stringify(snap));
    const second = join(tempDir(), 'second');
    const refused = await runCli(['analyze', first, '--out', second, '--format', 'json']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/does NOT verify[\s\S]*--force/);
    expect(existsSync(second)).toBe(false);
    const r = await runCli(['analyze', first, '--out', second, '--format', 'json', '--force']);
    expect(r.stderr).toMatch(/does NOT verify/);
    expect(r.stderr).toMatch(/not taken over/);
    const manifest = JSON.parse(readFileSync(join(second, 'manifest.json'), 'utf8'));
    expect(manifest.derivedFrom.verified).toBe(false);
    expect(manifest.case.consent).toBe(false);
    for (const f of manifest.files as { path: string }[]) {
      expect(readFileSync(join(second, f.path), 'utf8')).not.toContain('not for you');
    }
  });
});
