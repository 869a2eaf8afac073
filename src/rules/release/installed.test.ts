import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScanRules, packRef } from '../../scan/loadRules.js';
import { parsePackDir } from '../load.js';
import { dataDir } from './dataDir.js';
import { redirectAllowed } from './fetch.js';
import { defaultRulePaths } from './installed.js';
import { packFilesDir, writePointer, writeReleaseRecord } from './store.js';
import { compareVersions } from './versions.js';

const root = mkdtempSync(join(tmpdir(), 'spycheck-installed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const GOOD = join(import.meta.dirname, '..', 'testdata', 'good-pack');

/** A shipped folder with the test pack (id test-good, version 0.1.0) in it. */
function shippedDir(): string {
  const dir = mkdtempSync(join(root, 'shipped-'));
  cpSync(GOOD, join(dir, 'good'), { recursive: true });
  return dir;
}

/** Puts a version of the test pack in a store, as rules update would, and makes it current. */
async function install(
  env: NodeJS.ProcessEnv,
  version: string,
  signer = 'aaaa '.repeat(16).trim(),
) {
  const store = dataDir(env);
  const dir = packFilesDir(store, 'test-good', version);
  mkdirSync(dir, { recursive: true });
  cpSync(GOOD, dir, { recursive: true });
  const yaml = readFileSync(join(dir, 'pack.yaml'), 'utf8').replace(
    'version: 0.1.0',
    `version: ${version}`,
  );
  writeFileSync(join(dir, 'pack.yaml'), yaml);
  const pack = (await parsePackDir(dir)).pack!;
  await writeReleaseRecord(store, {
    id: 'test-good',
    version,
    date: '2026-01-01',
    archiveSha256: '0'.repeat(64),
    packSha256: pack.sha256,
    signer,
    installed: '2026-11-30T00:00:00.000Z',
    source: 'test',
  });
  await writePointer(store, 'test-good', { version, previous: null, rolledBackFrom: [] });
  return dir;
}

describe('installed packs in every scan', () => {
  it('with nothing installed, the shipped folder is used as before', () => {
    const env = { SPYCHECK_DATA_DIR: join(root, 'empty') };
    const shipped = shippedDir();
    expect(defaultRulePaths(env, shipped)).toEqual({
      paths: [shipped],
      installed: new Map(),
      superseded: [],
    });
  });

  it('an installed newer version replaces the shipped pack; the bundle records its signer', async () => {
    const env = { SPYCHECK_DATA_DIR: join(root, 'newer') };
    const shipped = shippedDir();
    const dir = await install(env, '0.2.0');
    const d = defaultRulePaths(env, shipped);
    expect(d.paths).toEqual([dir]);
    const loaded = await loadScanRules({
      rules: [],
      defaultRules: true,
      env,
      compiled: { cacheDir: false, index: false, shippedDir: shipped },
    });
    // the real shipped folder is used by loadScanRules; only the store is ours here
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const mine = loaded.packs.filter((p) => p.id === 'test-good');
    expect(mine.map((p) => p.version)).toEqual(['0.2.0']);
    expect(packRef(mine[0]!).signer).toBe('aaaa '.repeat(16).trim());
    // a shipped pack carries no signer
    expect(packRef(loaded.packs.find((p) => p.id === 'behaviour')!).signer).toBeUndefined();
  });

  it('an installed pack changed on disk after it was verified records no signer', async () => {
    const env = { SPYCHECK_DATA_DIR: join(root, 'edited') };
    const dir = await install(env, '0.3.0');
    writeFileSync(
      join(dir, 'pack.yaml'),
      `${readFileSync(join(dir, 'pack.yaml'), 'utf8')}# edited\n`,
    );
    const loaded = await loadScanRules({ rules: [], defaultRules: true, env });
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const mine = loaded.packs.find((p) => p.id === 'test-good')!;
    expect(mine.version).toBe('0.3.0');
    expect(packRef(mine).signer).toBeUndefined();
  });

  it('a shipped version as new or newer wins over an older installed one', async () => {
    const env = { SPYCHECK_DATA_DIR: join(root, 'older') };
    const shipped = shippedDir();
    await install(env, '0.1.0');
    const d = defaultRulePaths(env, shipped);
    expect(d.paths).toEqual([join(shipped, 'good')]);
    expect(d.superseded.map((p) => p.version)).toEqual(['0.1.0']);
  });

  it('--no-default-rules leaves installed packs out too', async () => {
    const env = { SPYCHECK_DATA_DIR: join(root, 'nodefault') };
    await install(env, '0.4.0');
    const r = await loadScanRules({ rules: [GOOD], defaultRules: false, env });
    expect(r.ok && r.packs.map((p) => p.version)).toEqual(['0.1.0']);
  });
});

describe('release helpers', () => {
  it('compares versions as semantic versions, ignoring build metadata', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBe(1);
    expect(compareVersions('1.0.0', '1.0.0+abc')).toBe(0);
    expect(compareVersions('1.0.0-rc.1', '1.0.0')).toBe(-1);
    expect(compareVersions('1.0.0-rc.2', '1.0.0-rc.10')).toBe(-1);
    expect(compareVersions('1.0.0-alpha', '1.0.0-1')).toBe(1);
    expect(compareVersions('2.0.0', '10.0.0')).toBe(-1);
  });

  it('allows redirects only on the same host, and never from https to http', () => {
    const u = (s: string) => new URL(s);
    expect(redirectAllowed(u('http://a.org/x'), u('http://a.org/y'))).toBe(true);
    expect(redirectAllowed(u('http://a.org/x'), u('https://a.org/y'))).toBe(true);
    expect(redirectAllowed(u('https://a.org/x'), u('http://a.org/y'))).toBe(false);
    expect(redirectAllowed(u('http://a.org/x'), u('http://b.org/x'))).toBe(false);
    expect(redirectAllowed(u('http://a.org/x'), u('http://a.org:8080/x'))).toBe(false);
    expect(redirectAllowed(u('http://a.org/x'), u('http://evil@a.org/x'))).toBe(false);
  });

  it('keeps installed packs in the user data folder of each system', () => {
    const home = { HOME: '/home/sam' };
    expect(dataDir({ SPYCHECK_DATA_DIR: '/d' }, 'linux')).toBe('/d');
    expect(dataDir({ ...home, XDG_DATA_HOME: '/x' }, 'linux')).toBe('/x/spycheck');
    expect(dataDir({ ...home, XDG_DATA_HOME: 'relative' }, 'linux')).toBe(
      '/home/sam/.local/share/spycheck',
    );
    expect(dataDir(home, 'darwin')).toBe('/home/sam/Library/Application Support/spycheck');
    expect(dataDir({ ...home, APPDATA: '/appdata' }, 'win32')).toBe(join('/appdata', 'spycheck'));
  });
});
