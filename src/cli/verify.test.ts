import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundle } from '../report/bundle.js';
import { generateSigningKey, type SigningKey } from '../report/keys.js';
import { sampleFindings, sampleRaw, sampleSnapshot } from '../report/testdata/sample.js';
import type { CliContext, ExitCode } from './context.js';
import { keysCommand } from './keys.js';
import { reportCommand } from './report.js';
import { verifyCommand } from './verify.js';

const tmp = mkdtempSync(join(tmpdir(), 'spycheck-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function context(env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (d) => out.push(String(d)));
  stderr.on('data', (d) => err.push(String(d)));
  const codes: ExitCode[] = [];
  const ctx: CliContext = {
    stdout,
    stderr,
    env,
    interactive: false,
    color: false,
    exit: (c) => codes.push(c),
  };
  return { ctx, out: () => out.join(''), err: () => err.join(''), code: () => codes.at(-1) };
}

async function run(make: (ctx: CliContext) => Command, args: string[], env = {}) {
  const c = context(env);
  const cmd = make(c.ctx).exitOverride();
  await cmd.parseAsync(args, { from: 'user' });
  return c;
}

let key: SigningKey;
let bundle: string;
beforeAll(async () => {
  key = generateSigningKey();
  bundle = join(tmp, 'bundle');
  await writeBundle({
    dir: bundle,
    snapshot: sampleSnapshot(),
    findings: sampleFindings(),
    raw: sampleRaw(),
    case: { ref: 'DV-9', consent: true },
    rules: [],
    formats: ['text'],
    tool: { name: 'spycheck', version: '0.1.0' },
    key,
  });
});

/** A computer that trusts the key the sample bundle was signed with. */
const trusting = () => ({
  SPYCHECK_CONFIG_DIR: join(tmp, 'cfg-empty'),
  SPYCHECK_TRUSTED_KEYS: key.fingerprint,
});

describe('spycheck verify', () => {
  it('exits 0 and says who signed it', async () => {
    const r = await run(verifyCommand, [bundle], trusting());
    expect(r.code()).toBe(0);
    expect(r.out()).toContain(`signed by key ${key.fingerprint}`);
  });

  it('refuses a bundle signed by a key this computer does not know, until it is pinned or trusted', async () => {
    const env = { SPYCHECK_CONFIG_DIR: join(tmp, 'cfg-stranger') };
    const r = await run(verifyCommand, [bundle, '--json'], env);
    expect(r.code()).toBe(1);
    const problem = JSON.parse(r.out()).problems[0];
    expect(problem.kind).toBe('key-mismatch');
    expect(problem.message).toMatch(/does not know/);
    // only the key is unknown: it says the files are unchanged and what to compare, not "does NOT verify"
    const words = await run(verifyCommand, [bundle], env);
    expect(words.code()).toBe(1);
    expect(words.err()).toMatch(
      /^The files are unchanged since they were signed \(.+ UTC\)\. The signature is by key [0-9a-f ]+, which this computer does not know: compare it with the fingerprint the organisation that made the bundle published/,
    );
    expect(words.err()).not.toMatch(/does NOT verify/);
    expect((await run(verifyCommand, [bundle, '--key', key.fingerprint], env)).code()).toBe(0);
    expect(
      (await run(keysCommand, ['trust', key.fingerprint, '--name', 'Example org'], env)).code(),
    ).toBe(0);
    expect((await run(verifyCommand, [bundle], env)).code()).toBe(0);
  });

  it('pins a key by fingerprint (--key) or by public key file (--key-file)', async () => {
    const pem = join(tmp, 'pub.pem');
    writeFileSync(pem, key.publicKeyPem);
    expect((await run(verifyCommand, [bundle, '--key-file', pem])).code()).toBe(0);
    expect((await run(verifyCommand, [bundle, '--key', key.fingerprint])).code()).toBe(0);
    // a file name is not a fingerprint
    const asKey = await run(verifyCommand, [bundle, '--key', pem]);
    expect(asKey.code()).toBe(2);
    expect(asKey.err()).toMatch(/--key-file/);
    expect(
      (await run(verifyCommand, [bundle, '--key', key.fingerprint, '--key-file', pem])).code(),
    ).toBe(2);
    const other = generateSigningKey();
    const bad = await run(verifyCommand, [bundle, '--key', other.fingerprint, '--json']);
    expect(bad.code()).toBe(1);
    expect(JSON.parse(bad.out()).problems[0].kind).toBe('key-mismatch');
    expect((await run(verifyCommand, [bundle, '--key', 'nonsense'])).code()).toBe(2);
  });

  it('never reads a file named like the fingerprint: a forgery re-signed by another key fails', async () => {
    // The attacker re-signs a doctored bundle with their own key and leaves a
    // file named exactly like the published fingerprint, holding their key,
    // in the folder where the officer runs verify.
    const attacker = generateSigningKey();
    const forged = join(tmp, 'forged');
    await writeBundle({
      dir: forged,
      snapshot: sampleSnapshot(),
      findings: { ...sampleFindings(), findings: [] },
      raw: sampleRaw(),
      case: { ref: 'DV-9', consent: true },
      rules: [],
      formats: [],
      tool: { name: 'spycheck', version: '0.1.0' },
      key: attacker,
    });
    const cwd = join(tmp, 'officer-desk');
    mkdirSync(cwd);
    writeFileSync(join(cwd, key.fingerprint), attacker.publicKeyPem);
    const before = process.cwd();
    process.chdir(cwd);
    try {
      const env = { SPYCHECK_CONFIG_DIR: join(tmp, 'cfg-officer') };
      const r = await run(verifyCommand, [forged, '--key', key.fingerprint, '--json'], env);
      expect(r.code()).toBe(1);
      expect(JSON.parse(r.out()).problems.map((p: { kind: string }) => p.kind)).toContain(
        'key-mismatch',
      );
      // the same trick against "keys trust"
      const trust = await run(keysCommand, ['trust', key.fingerprint], env);
      expect(trust.code()).toBe(0);
      expect(trust.out()).toContain(key.fingerprint.replaceAll(' ', ''));
      expect((await run(verifyCommand, [forged], env)).code()).toBe(1);
    } finally {
      process.chdir(before);
    }
  });

  it('exits 1 and names the changed file', async () => {
    const copy = join(tmp, 'changed');
    await writeBundle({
      dir: copy,
      snapshot: sampleSnapshot(),
      findings: sampleFindings(),
      raw: sampleRaw(),
      case: { consent: false },
      rules: [],
      formats: [],
      tool: { name: 'spycheck', version: '0.1.0' },
      key,
    });
    writeFileSync(join(copy, 'findings.json'), '{}');
    const r = await run(verifyCommand, [copy]);
    expect(r.code()).toBe(1);
    expect(r.err()).toContain('findings.json has been changed');
  });
});

describe('spycheck report', () => {
  it('re-renders into a new folder and leaves the bundle verifiable', async () => {
    const out = join(tmp, 're');
    const r = await run(reportCommand, [bundle, '--format', 'text,html', '--out', out], trusting());
    expect(r.code()).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['report.html', 'report.txt']);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    const text = readFileSync(join(out, 'report.txt'), 'utf8');
    expect(text).toContain('Re-rendered from bundle');
    expect(text).toContain('Unchanged since');
    expect((await run(verifyCommand, [bundle], trusting())).code()).toBe(0);
  });

  it('refuses unknown formats and a non-empty output folder', async () => {
    expect((await run(reportCommand, [bundle, '--format', 'docx'])).code()).toBe(2);
    const r = await run(reportCommand, [bundle, '--out', bundle]);
    expect(r.code()).toBe(2);
  });

  it('fails cleanly on a folder that is not a bundle', async () => {
    const r = await run(reportCommand, [join(tmp, 'nope')]);
    expect(r.code()).toBe(1);
    expect(r.err()).toContain('Could not read the bundle');
  });
});

describe('spycheck keys show', () => {
  it('creates the key on first use and prints PEM + fingerprint', async () => {
    const env = { SPYCHECK_CONFIG_DIR: join(tmp, 'cfg') };
    const first = await run(keysCommand, ['show'], env);
    expect(first.code()).toBe(0);
    expect(first.err()).toContain('Created a new signing key');
    expect(first.out()).toMatch(
      /-----BEGIN PUBLIC KEY-----[\s\S]+Fingerprint \(SHA-256\): [0-9a-f ]+/,
    );
    const second = await run(keysCommand, ['show', '--json'], env);
    expect(second.err()).toBe('');
    expect(JSON.parse(second.out()).publicKeyPem).toBe(
      first.out().split('Fingerprint')[0]!.trimEnd() + '\n',
    );
  });
});
