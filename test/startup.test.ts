/**
 * Start fast (issue 11): `spycheck --help`, `scan --help` and `--version` must
 * not load the heavy libraries. Each is loaded by the command that needs it:
 * pdfkit when a PDF is rendered, adbkit when an Android phone is reached,
 * appium-ios-device when an iPhone is, the YAML/zod rules code when rules are
 * read, playwright never at start-up.
 *
 * Vitest runs src through its own loader, which says nothing about what plain
 * Node would load, so the check runs the CLI in a child `node` process: src is
 * transpiled (types stripped, as tsc emits it) into a private folder inside
 * node_modules/.cache (so packages resolve as from dist), and a preload module
 * records every URL Node's ESM loader resolves and, at exit, every file in
 * the CommonJS cache (what a CommonJS package requires in turn). The child
 * does not depend on dist, so a stale or half-rebuilt dist cannot fool it.
 * No timings here: `--help` speed is measured, not tested.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, 'node_modules', '.cache', `spycheck-startup-${process.pid}`);
const out = join(work, 'dist');

/** Packages that must never load before a command needs them. */
const HEAVY = [
  'pdfkit',
  'dejavu-fonts-ttf',
  '@devicefarmer/adbkit',
  'appium-ios-device',
  'playwright-core',
  'playwright',
  'yaml',
  'zod',
  'yazl',
  'node-forge',
];

/** Every src .ts file a build would emit, transpiled one by one (no type-check: fast). */
function transpileSrc(): void {
  const src = join(root, 'src');
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return e.name === 'testdata' ? [] : walk(p);
      return /\.ts$/.test(e.name) && !/\.test\.ts$|\.test-util\.ts$|\.d\.ts$/.test(e.name)
        ? [p]
        : [];
    });
  for (const file of walk(src)) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        // ES modules, as tsc emits for this "type": "module" package (transpileModule cannot
        // see package.json, so NodeNext would give CommonJS here)
        module: ts.ModuleKind.ES2022,
        esModuleInterop: true,
      },
    });
    const target = join(out, relative(src, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  // a package's scope ends at node_modules, so this copy needs its own "type": "module";
  // packageRoot() skips it (no name) and finds spycheck's package.json further up
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
}

/** The preload: records resolved ESM URLs (loader hook) and the CommonJS cache at exit. */
const PRELOAD = `
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
const trace = process.env.SPYCHECK_STARTUP_TRACE;
register('data:text/javascript,' + encodeURIComponent(\`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(\${JSON.stringify(trace)}, r.url + '\\\\n');
  return r;
}\`));
const require = createRequire(import.meta.url);
process.on('exit', () => {
  appendFileSync(trace, Object.keys(require.cache).map((f) => 'cjs:' + f + '\\n').join(''));
});
`;

/** As bin/spycheck.js, for the transpiled copy; SPYCHECK_STARTUP_ALSO imports more after main. */
const RUNNER = `
const { main } = await import(${JSON.stringify(pathToFileURL(join(out, 'cli', 'index.js')).href)});
const code = await main(process.argv);
for (const m of (process.env.SPYCHECK_STARTUP_ALSO ?? '').split(',').filter(Boolean)) {
  await import(new URL(m, ${JSON.stringify(pathToFileURL(`${out}/`).href)}).href);
}
process.exitCode = code;
process.stdout.write('', () => process.exit(code));
`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** every module file loaded (ESM URLs and CommonJS paths) */
  loaded: string[];
}

let runs = 0;
function run(args: string[], also: string[] = []): Run {
  const trace = join(work, `trace-${++runs}.txt`);
  writeFileSync(trace, '');
  const r = spawnSync(
    process.execPath,
    ['--import', pathToFileURL(join(work, 'preload.mjs')).href, join(work, 'runner.mjs'), ...args],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        ...process.env,
        SPYCHECK_STARTUP_TRACE: trace,
        SPYCHECK_STARTUP_ALSO: also.join(','),
        NO_COLOR: '1',
      },
    },
  );
  const loaded = readFileSync(trace, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^cjs:/, ''));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, loaded };
}

/** The packages (by their node_modules folder) among the loaded files. */
function packagesIn(loaded: string[]): Set<string> {
  const found = new Set<string>();
  for (const f of loaded) {
    // every package on the path (a nested node_modules too); not this test's own .cache folder
    for (const m of decodeURIComponent(f).matchAll(/node_modules\/((?:@[^/]+\/)?[^/.][^/]*)\//g))
      found.add(m[1]!);
  }
  return found;
}

describe('start-up loads no heavy library', () => {
  beforeAll(() => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    transpileSrc();
    writeFileSync(join(work, 'preload.mjs'), PRELOAD);
    writeFileSync(join(work, 'runner.mjs'), RUNNER);
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('the tracer sees a heavy library when one is loaded (control)', () => {
    // the Android platform (adbkit) and the PDF renderer (pdfkit), imported after --help
    const r = run(['--help'], ['platform/android/platform.js', 'report/pdf.js']);
    expect(r.status, r.stderr).toBe(0);
    const found = packagesIn(r.loaded);
    expect(found).toContain('commander');
    expect(found).toContain('@devicefarmer/adbkit');
    expect(found).toContain('pdfkit');
  });

  it('rules import still offers the shipped packs folder as its default --out', () => {
    // the rules command names that folder without loading the rules code (src/rules/load.ts)
    const r = run(['rules', 'import', 'isdi', '--help']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(JSON.stringify(join(root, 'rules', 'isdi-dual-use')));
    expect(packagesIn(r.loaded)).not.toContain('yaml');
  });

  for (const args of [['--help'], ['scan', '--help'], ['--version'], ['help', 'rules']]) {
    it(`spycheck ${args.join(' ')}`, () => {
      const r = run(args);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
      const found = packagesIn(r.loaded);
      expect(found).toContain('commander');
      const heavy = HEAVY.filter((p) => found.has(p));
      expect(heavy, `loaded at start-up: ${[...found].join(', ')}`).toEqual([]);
    });
  }
});
