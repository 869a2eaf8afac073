/**
 * Signed rule pack releases end to end (issue 13): `rules pack` makes a release folder,
 * a loopback web server (127.0.0.1 only) serves it, `rules trust` + `rules update` install
 * it, and a plain `scan --demo` uses it. Every attack is refused with the installed pack
 * still in use afterwards.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPointer, storeRoot } from '../src/rules/release/store.js';
import { runCli, tempDir } from './helpers.js';

const root = tempDir('spycheck-release-');
/** One caseworker's laptop. */
const env = {
  SPYCHECK_DATA_DIR: join(root, 'data'),
  SPYCHECK_CACHE_DIR: join(root, 'cache'),
  SPYCHECK_FETCH_TIMEOUT_MS: '3000',
};
const www = join(root, 'www');
const keys = join(root, 'keys');
const otherKeys = join(root, 'other-keys');
const PACK_ID = 'test-release';

/** A pack whose rule names apps on the simulated infected-a12 phone. */
function writePack(dir: string, version: string, apps: string[], extraRule = false): string {
  mkdirSync(join(dir, 'rules'), { recursive: true });
  writeFileSync(
    join(dir, 'pack.yaml'),
    `schema: 1\nid: ${PACK_ID}\nname: Signed release test pack\nversion: ${version}\nlicence: MIT\ndate: 2026-11-01\n`,
  );
  writeFileSync(
    join(dir, 'rules', 'watched.yaml'),
    `id: test-release.watched-app
title: App named by a signed test release
category: stalkerware
severity: high
platforms: [android]
match:
  package: [${apps.join(', ')}]
explanation:
  what: A test rule from a signed release.
  risk: None, it is a test.
  next_steps: Nothing to do.
tests:
  match: [{ app: { id: ${apps[0]} } }]
  no_match: [{ app: { id: com.example.clean } }]
`,
  );
  if (extraRule) {
    writeFileSync(
      join(dir, 'rules', 'second.yaml'),
      `id: test-release.second
title: Second test rule
category: behaviour
severity: low
platforms: [android]
match:
  package: [com.example.never-installed]
explanation: { what: A second test rule., risk: None., next_steps: Nothing to do. }
tests:
  match: [{ app: { id: com.example.never-installed } }]
  no_match: [{ app: { id: com.example.clean } }]
`,
    );
  }
  return dir;
}

const packsDir = join(root, 'packs');
const v100 = writePack(join(packsDir, 'v100'), '1.0.0', ['com.spotify.music']);
const v110 = writePack(
  join(packsDir, 'v110'),
  '1.1.0',
  ['com.spotify.music', 'com.netflix.mediaclient'],
  true,
);
const v120 = writePack(
  join(packsDir, 'v120'),
  '1.2.0',
  ['com.spotify.music', 'com.instagram.android'],
  true,
);

/** Per-path overrides of the static server, set by a test. */
let override: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
let server: Server;
let base: string;

function serveStatic(req: IncomingMessage, res: ServerResponse): void {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
  const file = join(www, path);
  if (!file.startsWith(www) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end();
    return;
  }
  const body = readFileSync(file);
  res.writeHead(200, { 'content-length': body.length }).end(body);
}

const url = (release: string) => `${base}/${release}/`;
const release = (name: string) => join(www, name);
const read = (release: string, file: string) => readFileSync(join(www, release, file));
const index = (release: string) => JSON.parse(read(release, 'index.json').toString('utf8'));
const fp = (keyDir: string) =>
  /Fingerprint: ([0-9a-f ]+)/.exec(readFileSync(join(keyDir, 'fingerprint.txt'), 'utf8'))![1]!;
const inUse = () => readPointer(storeRoot(env), PACK_ID)?.version ?? null;

async function pack(
  dirs: string[],
  out: string,
  key = join(keys, 'rule-signing-key.pem'),
  extra: string[] = [],
) {
  return runCli(['rules', 'pack', ...dirs, '--key', key, '--out', out, ...extra], env);
}
const update = (from: string, e: NodeJS.ProcessEnv = env) =>
  runCli(['rules', 'update', '--from', from], e);

/** Changes one byte in the middle. */
const flipByte = (b: Buffer) => {
  const i = b.length >> 1;
  b[i] = b[i]! ^ 0x01;
};

/** A copy of a release folder with one file's bytes (or the index) changed. */
function variant(from: string, name: string, change: (dir: string) => void): string {
  cpSync(release(from), release(name), { recursive: true });
  change(release(name));
  return name;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (override?.(req, res)) return;
    serveStatic(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const k of [keys, otherKeys]) {
    const r = await runCli(['rules', 'keygen', '--out', k], env);
    expect(r.code).toBe(0);
    writeFileSync(join(k, 'fingerprint.txt'), r.stdout);
  }
  expect((await pack([v100], release('r1'))).code).toBe(0);
  expect((await pack([v100], release('r2'))).code).toBe(0);
  const r2 = await pack([v110], release('r2'), undefined, [
    '--changelog',
    'Adds Netflix as a test',
  ]);
  expect(r2.code, r2.stderr).toBe(0);
  // a newer version, signed by a key nobody trusts
  expect(
    (await pack([v120], release('untrusted'), join(otherKeys, 'rule-signing-key.pem'))).code,
  ).toBe(0);
  // the same newer version, signed by the trusted key
  expect((await pack([v120], release('r3'))).code).toBe(0);
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

describe('rules keygen / pack', () => {
  it('keygen writes a private key only its owner can read, and never replaces a key', async () => {
    expect(statSync(join(keys, 'rule-signing-key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(keys, 'rule-signing-key.pub.pem'), 'utf8')).toMatch(
      /^-----BEGIN PUBLIC KEY-----/,
    );
    const again = await runCli(['rules', 'keygen', '--out', keys], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds a rule-signing key/);
  });

  it('writes archive, detached signature and index.json; the same pack gives the same bytes', async () => {
    const idx = index('r2');
    expect(idx.packs.map((p: { version: string }) => p.version)).toEqual(['1.0.0', '1.1.0']);
    const e = idx.packs[1];
    expect(e).toMatchObject({
      id: PACK_ID,
      version: '1.1.0',
      date: '2026-11-01',
      schema: 1,
      file: 'test-release-1.1.0.tar.gz',
      signature: 'test-release-1.1.0.tar.gz.sig',
      signer: fp(keys),
      changelog: 'Adds Netflix as a test',
    });
    expect(read('r2', e.file).length).toBe(e.size);
    expect(read('r2', e.signature).length).toBe(64);
    // deterministic: r1 and r2 were packed separately
    expect(
      read('r1', 'test-release-1.0.0.tar.gz').equals(read('r2', 'test-release-1.0.0.tar.gz')),
    ).toBe(true);
  });

  it('refuses to overwrite a released version with other bytes', async () => {
    const changed = writePack(join(packsDir, 'changed100'), '1.0.0', [
      'com.spotify.music',
      'com.example.more',
    ]);
    const before = read('r1', 'test-release-1.0.0.tar.gz');
    const r = await pack([changed], release('r1'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /test-release-1\.0\.0\.tar\.gz is already in the release folder with other content/,
    );
    expect(read('r1', 'test-release-1.0.0.tar.gz').equals(before)).toBe(true);
  });

  it('refuses a pack whose tests fail, and keys that are not Ed25519 private keys', async () => {
    const bad = writePack(join(packsDir, 'bad'), '9.0.0', ['com.spotify.music']);
    const rule = join(bad, 'rules', 'watched.yaml');
    writeFileSync(
      rule,
      readFileSync(rule, 'utf8').replace('id: com.example.clean', 'id: com.spotify.music'),
    );
    const r = await pack([bad], release('bad'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/must not match/);
    expect(r.stderr).toMatch(/Nothing was released/);
    expect(existsSync(join(release('bad'), 'index.json'))).toBe(false);

    const rsa = join(root, 'rsa.pem');
    writeFileSync(
      rsa,
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
        format: 'pem',
        type: 'pkcs8',
      }),
    );
    const r2 = await pack([v100], release('rsa'), rsa);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/is an RSA key; rule packs are signed only with Ed25519 keys/);
    const r3 = await pack([v100], release('rsa'), join(keys, 'rule-signing-key.pub.pem'));
    expect(r3.stderr).toMatch(/is a public key/);
  });
});

describe('a caseworker takes in a signed release', () => {
  it('refuses everything while no publisher is trusted', async () => {
    const r = await update(url('r1'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/signed by key [0-9a-f ]+, which this laptop does not trust/);
    expect(inUse()).toBeNull();
  });

  it('trust refuses a private key, and prints the fingerprint to compare by phone', async () => {
    const priv = await runCli(['rules', 'trust', join(keys, 'rule-signing-key.pem')], env);
    expect(priv.code).toBe(1);
    expect(priv.stderr).toMatch(/is a PRIVATE key/);
    const r = await runCli(['rules', 'trust', join(keys, 'rule-signing-key.pub.pem')], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Fingerprint: ${fp(keys)}\n`);
    expect(r.stderr).toMatch(/Phone the publisher/);
  });

  it('installs a signed pack from a web address, and a plain scan uses it', async () => {
    const r = await update(url('r1'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Installed test-release 1\.0\.0, signed by [0-9a-f ]+\./);
    expect(r.stdout).toMatch(/new pack, version 1\.0\.0/);
    expect(inUse()).toBe('1.0.0');

    const list = await runCli(['rules', 'list'], env);
    expect(list.stdout).toMatch(
      new RegExp(`^test-release 1\\.0\\.0 .*installed, signed by ${fp(keys)}\\)$`, 'm'),
    );
    expect(list.stdout).toMatch(/^stalkerware-indicators /m); // the shipped packs are still there

    const out = join(tempDir('spycheck-release-scan-'), 'bundle');
    const scan = await runCli(['scan', '--demo', '--out', out, '--format', 'json'], env);
    expect(scan.code, scan.stderr).toBe(0);
    const findings = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8'));
    const hit = findings.findings.find(
      (f: { subject: { id: string } }) => f.subject.id === 'com.spotify.music',
    );
    expect(hit?.rule).toBe('test-release.watched-app');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const ref = manifest.rules.find((p: { id: string }) => p.id === PACK_ID);
    expect(ref).toMatchObject({ id: PACK_ID, version: '1.0.0', signer: fp(keys) });
    expect(ref.sha256).toMatch(/^[0-9a-f]{64}$/);
    // shipped packs carry no signer
    expect(
      manifest.rules.find((p: { id: string }) => p.id === 'behaviour')?.signer,
    ).toBeUndefined();
  });

  it('a second update changes nothing', async () => {
    const r = await update(url('r1'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/test-release 1\.0\.0 is already installed/);
  });

  it('refuses a newer pack signed by a key this laptop does not trust', async () => {
    const r = await update(url('untrusted'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /test-release 1\.2\.0 is signed by key .*which this laptop does not trust/,
    );
    expect(inUse()).toBe('1.0.0');
  });

  it('refuses a newer pack from another trusted publisher than the one that made the installed pack', async () => {
    const other = join(otherKeys, 'rule-signing-key.pub.pem');
    expect((await runCli(['rules', 'trust', other], env)).code).toBe(0);
    try {
      const r = await update(url('untrusted'));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /came from another publisher you trust \([0-9a-f ]+\), so it was not installed/,
      );
      expect(inUse()).toBe('1.0.0');
    } finally {
      expect((await runCli(['rules', 'untrust', fp(otherKeys)], env)).code).toBe(0);
    }
  });

  it('refuses a tampered archive (one byte changed)', async () => {
    const name = variant('r2', 'tampered', (d) => {
      const f = join(d, 'test-release-1.1.0.tar.gz');
      const b = readFileSync(f);
      flipByte(b);
      writeFileSync(f, b);
    });
    const r = await update(url(name));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not the one the release lists \(its SHA-256 differs\)/);
    expect(inUse()).toBe('1.0.0');
  });

  it('refuses a tampered archive whose index was changed to match: the signature fails', async () => {
    const name = variant('r2', 'tampered-index', (d) => {
      const f = join(d, 'test-release-1.1.0.tar.gz');
      const b = readFileSync(f);
      flipByte(b);
      writeFileSync(f, b);
      const idx = JSON.parse(readFileSync(join(d, 'index.json'), 'utf8'));
      idx.packs[1].sha256 = createHash('sha256').update(b).digest('hex');
      writeFileSync(join(d, 'index.json'), JSON.stringify(idx));
    });
    const r = await update(url(name));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /The signature of test-release 1\.1\.0 does not match the publisher's key/,
    );
    expect(inUse()).toBe('1.0.0');
  });

  it('refuses an archive signed with another key than the index names', async () => {
    const name = variant('r2', 'wrong-key', (d) => {
      const f = join(d, 'test-release-1.1.0.tar.gz');
      const other = readFileSync(join(otherKeys, 'rule-signing-key.pem'), 'utf8');
      writeFileSync(`${f}.sig`, sign(null, readFileSync(f), other));
    });
    const r = await update(url(name));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not match the publisher's key/);
    expect(inUse()).toBe('1.0.0');
  });

  it('refuses a truncated download, whether the server admits it or not', async () => {
    const full = read('r2', 'test-release-1.1.0.tar.gz');
    // the server sends half the file as if it were all of it
    override = (req, res) => {
      if (!req.url?.endsWith('/test-release-1.1.0.tar.gz')) return false;
      const half = full.subarray(0, full.length >> 1);
      res.writeHead(200, { 'content-length': half.length }).end(half);
      return true;
    };
    try {
      const r = await update(url('r2'));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/The download of test-release 1\.1\.0 is incomplete/);
      expect(inUse()).toBe('1.0.0');
      // the connection drops half way through
      override = (req, res) => {
        if (!req.url?.endsWith('/test-release-1.1.0.tar.gz')) return false;
        res.writeHead(200, { 'content-length': full.length });
        res.write(full.subarray(0, full.length >> 1), () => res.destroy());
        return true;
      };
      const r2 = await update(url('r2'));
      expect(r2.code).toBe(1);
      expect(r2.stderr).toMatch(/The download of test-release-1\.1\.0\.tar\.gz was cut short/);
      expect(inUse()).toBe('1.0.0');
    } finally {
      override = undefined;
    }
  });

  it('refuses a pack for a newer spycheck ("update spycheck first")', async () => {
    const name = variant('r2', 'schema2', (d) => {
      const idx = JSON.parse(readFileSync(join(d, 'index.json'), 'utf8'));
      idx.packs[1].schema = 2;
      writeFileSync(join(d, 'index.json'), JSON.stringify(idx));
    });
    const r = await update(url(name));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/needs a newer spycheck.*Update spycheck first/);
    expect(inUse()).toBe('1.0.0');
  });

  it('refuses an index that passes off an old archive as a new version', async () => {
    const name = variant('r1', 'relabelled', (d) => {
      const idx = JSON.parse(readFileSync(join(d, 'index.json'), 'utf8'));
      idx.packs[0].version = '5.0.0';
      writeFileSync(join(d, 'index.json'), JSON.stringify(idx));
    });
    const r = await update(url(name));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/listed as test-release 5\.0\.0 holds test-release 1\.0\.0/);
    expect(inUse()).toBe('1.0.0');
  });

  it('refuses a redirect to another host, follows one on the same host', async () => {
    const other = `http://localhost:${(server.address() as AddressInfo).port}`;
    override = (req, res) => {
      if (req.url === '/elsewhere/index.json') {
        res.writeHead(302, { location: `${other}/r2/index.json` }).end();
        return true;
      }
      if (req.url === '/moved/index.json') {
        res.writeHead(301, { location: '/r1/index.json' }).end();
        return true;
      }
      return false;
    };
    try {
      const r = await update(`${base}/elsewhere/`);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /tried to send spycheck to http:\/\/localhost:\d+ .*nothing was downloaded/,
      );
      expect(inUse()).toBe('1.0.0');
      const same = await update(`${base}/moved/`);
      expect(same.stdout).toMatch(/test-release 1\.0\.0 is already installed/);
    } finally {
      override = undefined;
    }
  });

  it('says plainly when the server cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await update(`http://127.0.0.1:${port}/rules/`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Could not reach 127\.0\.0\.1:\d+\. This laptop may be offline/);
    expect(r.stderr).toMatch(/Nothing was changed\./);
  });

  it('refuses a damaged index.json with a plain message', async () => {
    const name = variant('r1', 'garbage', (d) =>
      writeFileSync(
        join(d, 'index.json'),
        '{"format": "spycheck-rule-packs", "formatVersion": 1, "packs": "no"}',
      ),
    );
    const r = await update(url(name));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/index\.json is damaged/);
  });

  it('installs a newer version, says what changed, then refuses to go back to the older one', async () => {
    const r = await update(url('r2'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Installed test-release 1\.1\.0 \(was 1\.0\.0\)/);
    expect(r.stdout).toMatch(/Publisher's note: Adds Netflix as a test/);
    expect(r.stdout).toMatch(/rules: 1 added, 0 removed, 1 changed/);
    expect(r.stdout).toMatch(/\+ app com\.netflix\.mediaclient/);
    expect(inUse()).toBe('1.1.0');

    const diff = await runCli(['rules', 'diff', PACK_ID], env);
    expect(diff.stdout).toMatch(/test-release: 1\.0\.0 \(installed\) → 1\.1\.0/);
    expect(diff.stdout).toMatch(/\+ rule test-release\.second/);

    const down = await update(url('r1'));
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/offers test-release 1\.0\.0, older than the 1\.1\.0/);
    expect(inUse()).toBe('1.1.0');
  });

  it('rollback goes back to the previous version, and update does not bring the bad one back', async () => {
    const r = await runCli(['rules', 'rollback', PACK_ID], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/test-release is back to version 1\.0\.0 instead of 1\.1\.0\./);
    expect(inUse()).toBe('1.0.0');
    const again = await update(url('r2'));
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/You went back from test-release 1\.1\.0 on purpose/);
    expect(inUse()).toBe('1.0.0');
    // a newer release is taken as usual
    const newer = await update(url('r3'));
    expect(newer.code, newer.stderr).toBe(0);
    expect(inUse()).toBe('1.2.0');
    // and there is nothing before the first install of a pack spycheck does not ship
    await runCli(['rules', 'rollback', PACK_ID], env);
    const none = await runCli(['rules', 'rollback', PACK_ID], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no earlier version of test-release/);
    expect(inUse()).toBe('1.0.0');
  });

  it('untrust: later releases by that key are refused', async () => {
    const r = await runCli(['rules', 'untrust', fp(keys).slice(0, 9)], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Removed [0-9a-f ]+: rules update will not install packs signed with it/,
    );
    const v130 = writePack(join(packsDir, 'v130'), '1.3.0', ['com.spotify.music']);
    expect((await pack([v130], release('r4'))).code).toBe(0);
    const u = await update(url('r4'));
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/test-release 1\.3\.0 is signed by key .*does not trust/);
    expect(inUse()).toBe('1.0.0');
  });
});

describe('a newer version of a pack spycheck ships', () => {
  it('replaces the shipped pack in every scan; rollback goes back to the shipped one', async () => {
    const laptop = {
      SPYCHECK_DATA_DIR: join(root, 'data-shipped'),
      SPYCHECK_CACHE_DIR: join(root, 'cache'),
    };
    const dir = join(packsDir, 'remote-access');
    cpSync(join(import.meta.dirname, '..', 'rules', 'remote-access'), dir, { recursive: true });
    const yaml = join(dir, 'pack.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^version: .*$/m, 'version: 9.0.0'));
    expect((await pack([dir], release('shipped'))).code).toBe(0);
    await runCli(['rules', 'trust', join(keys, 'rule-signing-key.pub.pem')], laptop);
    const r = await update(url('shipped'), laptop);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Installed remote-access 9\.0\.0 \(came with spycheck: [\d.]+\)/);
    expect(r.stdout).toMatch(/remote-access: [\d.]+ \(came with spycheck\) → 9\.0\.0/);
    const { loadScanRules } = await import('../src/scan/loadRules.js');
    const loaded = await loadScanRules({ rules: [], defaultRules: true, env: laptop });
    expect(loaded.ok).toBe(true);
    const ra = loaded.ok ? loaded.packs.filter((p) => p.id === 'remote-access') : [];
    expect(ra.map((p) => p.version)).toEqual(['9.0.0']);
    const back = await runCli(['rules', 'rollback', 'remote-access'], laptop);
    expect(back.stdout).toMatch(/remote-access is back to the version that came with spycheck/);
    const after = await loadScanRules({ rules: [], defaultRules: true, env: laptop });
    const ra2 = after.ok ? after.packs.filter((p) => p.id === 'remote-access') : [];
    expect(ra2.map((p) => p.version)).not.toContain('9.0.0');
    expect(ra2).toHaveLength(1);
  });
});

describe('a release on a USB stick', () => {
  it('installs from a folder as from a web address', async () => {
    const laptop = {
      SPYCHECK_DATA_DIR: join(root, 'data-usb'),
      SPYCHECK_CACHE_DIR: join(root, 'cache'),
    };
    expect(
      (await runCli(['rules', 'trust', join(keys, 'rule-signing-key.pub.pem')], laptop)).code,
    ).toBe(0);
    const r = await update(release('r2'), laptop);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Installed test-release 1\.1\.0/);
    expect(readPointer(storeRoot(laptop), PACK_ID)?.version).toBe('1.1.0');
  });
});
