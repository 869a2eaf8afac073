import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'plist';

const HERE = dirname(fileURLToPath(import.meta.url));

/** A test plist from testdata/, as plain JS values (what the door hands the parsers). */
export function loadPlist(name: string): unknown {
  return parse(readFileSync(join(HERE, 'testdata', name), 'utf8'));
}
