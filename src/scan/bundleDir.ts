import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BundleExistsError } from '../report/bundle.js';

export function defaultBundleDir(startedIso: string, serial: string, caseRef?: string): string {
  const stamp = startedIso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const id = serial.replace(/[^A-Za-z0-9]/g, '').slice(-6) || 'phone';
  // the case reference first, so a caseworker finds the folder by case; only safe characters
  const ref = (caseRef ?? '')
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return join('spycheck-reports', ref ? `${ref}-${stamp}-${id}` : `${stamp}-${id}`);
}

/** Make the bundle folder (private), or say in plain words why it cannot be used. */
export function prepareBundleDir(dir: string): string | undefined {
  try {
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) {
        return `${dir} is a file. Give --out a new folder for the evidence bundle.`;
      }
      if (readdirSync(dir).length > 0) return new BundleExistsError(dir).message;
      return undefined;
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return undefined;
  } catch (e) {
    return `Cannot make the folder ${dir} for the evidence bundle: ${errorText(e)}. Choose another --out folder.`;
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
