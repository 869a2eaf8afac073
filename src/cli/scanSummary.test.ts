import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileToOpen } from './scanSummary.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function bundleWith(...files: string[]): string {
  const d = mkdtempSync(join(tmpdir(), 'spycheck-open-'));
  dirs.push(d);
  for (const f of files) writeFileSync(join(d, f), 'x');
  return d;
}

describe('fileToOpen', () => {
  it('names the HTML report to read, and the PDF to print', () => {
    const d = bundleWith('report.html', 'report.pdf', 'findings.json');
    expect(fileToOpen(d)).toBe(
      `Read this with the survivor: ${join(d, 'report.html')} (to print: report.pdf)`,
    );
  });
  it('names the police annex on a line of its own when it was written', () => {
    const d = bundleWith('report.html', 'report.pdf', 'evidence.pdf');
    expect(fileToOpen(d)?.split('\n')).toEqual([
      `Read this with the survivor: ${join(d, 'report.html')} (to print: report.pdf)`,
      `For the police: ${join(d, 'evidence.pdf')} (hand over the whole folder: spycheck export)`,
    ]);
  });
  it('falls back to the formats that were written', () => {
    const txt = bundleWith('report.txt');
    expect(fileToOpen(txt)).toBe(`Read this with the survivor: ${join(txt, 'report.txt')}`);
    const pdf = bundleWith('report.pdf');
    expect(fileToOpen(pdf)).toBe(`Read this with the survivor: ${join(pdf, 'report.pdf')}`);
    expect(fileToOpen(bundleWith('findings.json'))).toBeUndefined();
  });
});
