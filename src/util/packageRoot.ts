import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The spycheck package root (holds package.json, rules/, fixtures/), from src/ or dist/. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if (JSON.parse(readFileSync(pj, 'utf8')).name === 'spycheck') return (cached = dir);
      } catch {
        // keep looking upwards
      }
    }
    dir = dirname(dir);
  }
  throw new Error('spycheck could not find its own files (package.json). Reinstall spycheck.');
}

export function toolInfo(): { name: string; version: string } {
  const pj = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8'));
  return { name: 'spycheck', version: String(pj.version) };
}
