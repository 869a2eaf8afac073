/** spycheck's own name and version, from package.json (works from src/ and dist/). */
import { readFileSync } from 'node:fs';

export function toolInfo(): { name: string; version: string } {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return { name: String(pkg.name ?? 'spycheck'), version: String(pkg.version ?? '0.0.0') };
  } catch {
    return { name: 'spycheck', version: 'unknown' };
  }
}
