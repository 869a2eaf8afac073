/**
 * A finding has one number, and the numbers run in the order every format
 * shows them: "F3" in the terminal, report.txt, the HTML and the evidence
 * section is the same finding, third in line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FindingsDoc } from '../src/model/findings.js';
import { runCli, tempDir } from './helpers.js';

const inOrder = (ids: string[]) => ids.map((_, i) => `F${i + 1}`);

describe.each(['infected-a12', 'ios-infected', 'dualuse-pixel7'])('%s', (profile) => {
  it('numbers findings F1, F2… in the order findings.json, report.txt and report.html list them', async () => {
    const out = join(tempDir(), profile);
    const r = await runCli(['scan', '--demo', profile, '--out', out, '--format', 'text,html']);
    expect([0, 3]).toContain(r.code);
    // the terminal summary names them the same way, in the same order
    const terminalIds = [...r.stdout.matchAll(/^(?:!!| !|\s\?| {2}) (F\d+) /gm)].map((m) => m[1]);
    const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDoc;
    const ids = doc.findings.map((f) => f.id);
    expect(ids.length).toBeGreaterThan(3);
    expect(ids).toEqual(inOrder(ids));
    expect(terminalIds).toEqual(ids);

    const text = readFileSync(join(out, 'report.txt'), 'utf8');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    // the survivor's part ("[F1] …") and the evidence section ("F1 high …") both run in order
    expect([...text.matchAll(/^\[(F\d+)\] /gm)].map((m) => m[1])).toEqual(ids);
    // the at-a-glance list at the top ("F1. Serious: …") leaves out notes for information
    const shown = doc.findings.filter((f) => f.severity !== 'info').map((f) => f.id);
    expect([...text.matchAll(/^(F\d+)\. /gm)].map((m) => m[1])).toEqual(shown);
    expect([...html.matchAll(/<a href="#f-(F\d+)">/g)].map((m) => m[1])).toEqual(shown);
    expect([...text.matchAll(/^(F\d+) (?:high|medium|low|info) /gm)].map((m) => m[1])).toEqual(ids);
    expect([...html.matchAll(/<h4 id="f-(F\d+)">/g)].map((m) => m[1])).toEqual(ids);
    expect([...html.matchAll(/<h4>(F\d+): /g)].map((m) => m[1])).toEqual(ids);
  });
});
