/** What every simulated phone shares: finding its profile, reading its YAML, running until stopped. */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../util/packageRoot.js';

/** Where a bare profile name lives. */
export function profilesDir(): string {
  return join(packageRoot(), 'fixtures', 'devices');
}

/** A bare name (`infected-a12`) or a folder path (anything with a slash, or `.`). */
export function resolveProfileDir(dirOrName: string): string {
  const looksLikePath = dirOrName.includes('/') || dirOrName.includes('\\') || dirOrName === '.';
  return looksLikePath || isAbsolute(dirOrName)
    ? resolve(dirOrName)
    : join(profilesDir(), dirOrName);
}

/**
 * The parsed profile.yaml of a simulated phone, or an error made by the
 * caller's own error type (each platform names its profile errors).
 */
export async function readProfileYaml(
  dirOrName: string,
  fail: (yamlPath: string, message: string) => Error,
): Promise<{ dir: string; yamlPath: string; raw: unknown }> {
  const dir = resolveProfileDir(dirOrName);
  const yamlPath = join(dir, 'profile.yaml');
  let text: string;
  try {
    text = await readFile(yamlPath, 'utf8');
  } catch (err) {
    const known = (await stat(dir).catch(() => undefined))?.isDirectory();
    throw fail(
      yamlPath,
      known
        ? `cannot read profile: ${(err as Error).message}`
        : `no such simulated phone "${dirOrName}" (looked in ${dir})`,
    );
  }
  try {
    return { dir, yamlPath, raw: parseYaml(text) };
  } catch (err) {
    throw fail(yamlPath, `not valid YAML: ${(err as Error).message}`);
  }
}

/** Resolves on Ctrl-C, SIGTERM or the signal, whichever comes first. */
export function untilStopped(signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (signal?.aborted) done();
    else signal?.addEventListener('abort', done, { once: true });
  });
}
