/**
 * Cutting one big text (a full `dumpsys`, or a bugreport) into the parts our parsers read.
 *
 * `dumpsys` with no argument prints every service as
 *   -------------------------------------------------------------------------------
 *   DUMP OF SERVICE package:
 *   …the same text `dumpsys package` prints…
 *   --------- 0.5s was the duration of dumpsys package, ending at: 2024-…
 * and bugreports wrap that in sections headed `------ TITLE (command) ------`. Newer
 * versions add a priority (`DUMP OF SERVICE CRITICAL cpuinfo:`) and dump some services twice.
 */

const SERVICE = /^DUMP OF SERVICE (?:(?:CRITICAL|HIGH|NORMAL) )?([A-Za-z0-9_.@/-]+):\s*$/;
const SERVICE_END = /^-{9} \S+ was the duration of dumpsys (\S+?),? /;
const BUGREPORT_HEADING = /^------ .* ------\s*$/;
const SEPARATOR = /^-{40,}\s*$/;

/** Real bugreports have a few million lines; far more means a crafted file. */
const MAX_LINES = 8_000_000;

/** Refuse text with absurdly many lines before splitting it (splitting would exhaust memory). */
export function checkLineCount(text: string, what: string): void {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (++n > MAX_LINES) {
      throw new Error(
        `${what} has more than ${MAX_LINES.toLocaleString('en-GB')} lines, far more than a real phone writes. It was not read.`,
      );
    }
  }
}

/** service name → its text. When a service is dumped more than once, the longest dump wins. */
export function splitDumpsysServices(text: string): Map<string, string> {
  const out = new Map<string, string>();
  checkLineCount(text, 'The dumpsys output');
  const lines = text.split('\n');
  let name: string | undefined;
  let start = 0;
  const close = (end: number) => {
    if (name === undefined) return;
    let e = end;
    // the separator before the next service belongs to neither
    while (e > start && (SEPARATOR.test(lines[e - 1] ?? '') || lines[e - 1]?.trim() === '')) e--;
    const body = `${lines.slice(start, e).join('\n')}\n`;
    const prev = out.get(name);
    if (prev === undefined || body.length > prev.length) out.set(name, body);
    name = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.startsWith('DUMP OF SERVICE') && !line.startsWith('------')) continue;
    const m = SERVICE.exec(line.replace(/\r$/, ''));
    if (m) {
      close(i);
      name = m[1]!;
      start = i + 1;
      continue;
    }
    // only the end marker of the open service ends it: text an app controls (a version name
    // can hold line breaks) should not be able to cut the package dump short so easily
    const end = SERVICE_END.exec(line);
    if (end ? end[1] === name : BUGREPORT_HEADING.test(line)) close(i);
  }
  close(lines.length);
  return out;
}

/**
 * The body of a bugreport section whose heading starts with `------ <title>` (e.g.
 * "SYSTEM PROPERTIES"), up to the next `------ … ------` line.
 */
export function bugreportSection(text: string, title: string): string | undefined {
  checkLineCount(text, 'The bugreport');
  const lines = text.split('\n');
  const head = `------ ${title} `;
  const i = lines.findIndex((l) => l.startsWith(head) && BUGREPORT_HEADING.test(l));
  if (i < 0) return undefined;
  let j = i + 1;
  while (j < lines.length && !BUGREPORT_HEADING.test(lines[j] ?? '')) j++;
  return `${lines
    .slice(i + 1, j)
    .join('\n')
    .replace(/\n+$/, '')}\n`;
}

/**
 * App entries ("  Package [name] (…):") that sit outside the package service's own dump: a
 * sign that the dump was cut short (or that text was smuggled in), said rather than ignored.
 */
export function strayPackageEntries(fullText: string, packageDump: string | undefined): number {
  const count = (t: string) => t.match(/^ {2}Package \[[^\]\n]+\] \(/gm)?.length ?? 0;
  return Math.max(0, count(fullText) - count(packageDump ?? ''));
}
