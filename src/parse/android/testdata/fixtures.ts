import { readFileSync } from 'node:fs';

/** Test fixture text from testdata/<phone>/<file>. */
export function fixture(path: string): string {
  return readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');
}

export const PHONES = ['a10-xiaomi', 'a12-samsung', 'a14-pixel'] as const;

/** Hostile/broken inputs every parser must survive without throwing. */
export const HOSTILE: readonly string[] = [
  '',
  '\n\n\n',
  '\u0000\u0001\u0002\u00ff\ufffd binary junk \u001b[31mred\u001b[0m',
  'package:/data/app/x==/base.apk=com.evil\u202eppa  installer=\u2066com.x uid:1',
  'Package [com.a] (1):\n    userId=abc\n    versionCode=\n    User 0: enabled=99',
  '[ro.x]: [unterminated\n[ro.y]: [ok]',
  'x'.repeat(100_000),
  Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)).toString('latin1'),
];
