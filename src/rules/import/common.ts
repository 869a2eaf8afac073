/** Shared helpers for importers: CSV, slugs, YAML output and writing a generated pack. */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { HIDDEN_CHARS } from '../../util/sanitize.js';

export interface GeneratedPack {
  /** relative path → file content */
  files: Map<string, string>;
  /** what was read and written, for the importer's report and tests */
  stats: Record<string, number>;
  warnings: string[];
}

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Lowercase ascii slug usable as a rule id segment. */
export function slug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'unnamed'
  );
}

const HIDDEN = new RegExp(`[${HIDDEN_CHARS}]`, 'g');

/**
 * Plain one-line text for titles and labels, bounded length: controls become
 * spaces, and bidi and invisible characters (junk in app-store titles, and
 * refused by the rule schema) are dropped.
 */
export function plain(s: string, max = 120): string {
  const t = s
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(HIDDEN, '')
    .trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export const SCHEMA_COMMENT = (depth: number) =>
  `# yaml-language-server: $schema=${'../'.repeat(depth)}schema/rule-pack.schema.json`;

export function yamlDoc(value: unknown, header: string[]): string {
  const body = stringify(value, {
    lineWidth: 100,
    minContentWidth: 0,
    aliasDuplicateObjects: false,
  });
  return `${header.join('\n')}\n${body}`;
}

export function sortedUnique(xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort();
}

/**
 * Writes a generated pack. Old generated rule files are removed first so a
 * product dropped upstream disappears; a folder that is not a generated
 * pack (no "generated:" in its pack.yaml) is never emptied.
 */
export async function writePack(outDir: string, pack: GeneratedPack): Promise<void> {
  await mkdir(outDir, { recursive: true });
  let existing = '';
  try {
    existing = await readFile(join(outDir, 'pack.yaml'), 'utf8');
  } catch {
    // new pack
  }
  if (existing && !/^generated:/m.test(existing)) {
    throw new Error(
      `${outDir} holds a hand-written pack (its pack.yaml has no "generated:" entry); refusing to overwrite it`,
    );
  }
  if (existing) {
    const rulesDir = join(outDir, 'rules');
    const old = await readdir(rulesDir).catch(() => [] as string[]);
    for (const f of old) if (/\.ya?ml$/.test(f)) await rm(join(rulesDir, f));
  }
  for (const [rel, content] of pack.files) {
    const p = join(outDir, rel);
    await mkdir(join(p, '..'), { recursive: true });
    await writeFile(p, content);
  }
}

/** The safety advice every stalkerware-type finding carries (UK English, short sentences). */
export const SAFE_NEXT_STEPS =
  'Do not remove the app or change settings yet: the person who installed it may be told, and that could put you at risk. ' +
  'First talk to your support worker and make a safety plan. ' +
  'Keep this report as evidence. ' +
  'When you are safe to act, you can remove the app, or get help to reset the phone.';
