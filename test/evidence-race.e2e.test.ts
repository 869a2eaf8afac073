/**
 * A bundle on a medium the attacker controls (a USB stick, a network share)
 * can answer the first read with genuine bytes and the second with doctored
 * ones. analyze must re-sign exactly the bytes it verified, never a second read.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { AndroidSnapshot } from '../src/model/snapshot.js';
import { runCli, tempDir } from './helpers.js';

// Armed by the test: runs once, the next time anything lists a folder (verify
// lists the bundle only after it has hashed every file).
let onNextReaddir: (() => void) | undefined;
vi.mock('node:fs/promises', async (importOriginal) => {
  const orig = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...orig,
    readdir: ((...args: Parameters<typeof orig.readdir>) => {
      const hook = onNextReaddir;
      onNextReaddir = undefined;
      hook?.();
      return orig.readdir(...args);
    }) as typeof orig.readdir,
  };
});

const config = tempDir('spycheck-race-cfg-');
const cli = (args: string[]) => runCli(args, { SPYCHECK_CONFIG_DIR: config });

let bundle: string;
beforeAll(async () => {
  bundle = join(tempDir(), 'genuine');
  const r = await cli(['scan', '--demo', '--out', bundle, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
});

describe('a bundle whose snapshot.json changes after it was verified', () => {
  it('is re-analysed from the verified bytes, so the swap never reaches the new bundle', async () => {
    const snapPath = join(bundle, 'snapshot.json');
    const genuine = JSON.parse(readFileSync(snapPath, 'utf8')) as AndroidSnapshot;
    expect(genuine.apps.length).toBeGreaterThan(10);
    onNextReaddir = () => {
      // spyware (and everything else) edited out, after every hash was checked
      writeFileSync(snapPath, JSON.stringify({ ...genuine, apps: [] }));
    };
    const out = join(tempDir(), 'reanalysed');
    const r = await cli(['analyze', bundle, '--out', out, '--format', 'json']);
    expect(onNextReaddir).toBeUndefined();
    expect(existsSync(join(out, 'snapshot.json')), r.stderr).toBe(true);
    const written = JSON.parse(readFileSync(join(out, 'snapshot.json'), 'utf8')) as AndroidSnapshot;
    expect(written.apps.length).toBe(genuine.apps.length);
    const findings = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8'));
    expect(findings.summary.high).toBeGreaterThan(0);
  });
});
