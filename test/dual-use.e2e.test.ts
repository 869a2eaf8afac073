/**
 * A family app that Echap's stalkerware list also names (issue 8): the
 * survivor may have installed it herself. Scanned end to end on a simulated
 * Pixel 7 whose Life360 (from the Play Store) is swapped for another app.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding, FindingsDoc } from '../src/model/findings.js';
import { profilesDir } from '../src/sim/android/loadProfile.js';
import { runCli, tempDir } from './helpers.js';

const LIFE360 = 'com.life360.android.safetymapd';

/** A copy of dualuse-pixel7 with Life360 replaced by `id`; `hidden` drops its launcher icon. */
function phoneWith(id: string, opts: { hidden?: boolean } = {}): string {
  const dir = join(tempDir('spycheck-phone-'), 'phone');
  cpSync(join(profilesDir(), 'dualuse-pixel7'), dir, { recursive: true });
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.txt'))) {
    const p = join(dir, f);
    let text = readFileSync(p, 'utf8').replaceAll(LIFE360, id);
    // hidden: its launcher entry now names another app that already has an icon
    if (opts.hidden && f === 'launcher-activities.txt') {
      text = text.replace(
        `${id}/com.life360.android.shared.ui.RootActivity`,
        'co.uk.getmondo/.Alias',
      );
    }
    writeFileSync(p, text);
  }
  return dir;
}

async function scan(phone: string): Promise<{ finding: (id: string) => Finding; report: string }> {
  const out = join(tempDir(), 'bundle');
  const r = await runCli(['scan', '--demo', phone, '--out', out, '--format', 'text', '--json']);
  expect(r.code, r.stderr).toBe(0);
  const doc = JSON.parse(r.stdout) as FindingsDoc;
  return {
    finding: (id) => {
      const f = doc.findings.filter((x) => x.subject.id === id);
      expect(f, `one finding for ${id}`).toHaveLength(1);
      return f[0]!;
    },
    report: readFileSync(join(out, 'report.txt'), 'utf8'),
  };
}

const SPY_WORDS = /spy[^.]*secret|made to spy|stalkerware:/i;

describe('scan --demo: Find My Kids (Pingo), on the stalkerware list and sold to families', () => {
  it('visible and from the Play Store: medium, in words for a family app', async () => {
    const { finding, report } = await scan(phoneWith('org.findmykids.child'));
    const f = finding('org.findmykids.child');
    expect(f.severity).toBe('medium');
    expect(f.category).toBe('location-sharing');
    expect(f.title).toBe('Pingo, the child app of Find My Kids');
    expect(f.explanation.what).toMatch(/Find My Kids/);
    expect(`${f.title} ${f.explanation.what} ${f.explanation.risk}`).not.toMatch(SPY_WORDS);
    expect(f.evidence.reasons.map((r) => r.rule)).toContain('stalkerware.findmykids');
    expect(f.evidence.dualUse).toMatchObject({ seen: [], notChecked: [] });
    expect(report).toMatch(/Pingo, the child app of Find My Kids/);
    expect(report).not.toMatch(/app that is known spyware|made to secretly watch/);
  });

  it('hidden: high, saying what it is and what it can do on an adult phone', async () => {
    const { finding, report } = await scan(phoneWith('org.findmykids.child', { hidden: true }));
    const f = finding('org.findmykids.child');
    expect(f.severity).toBe('high');
    expect(f.category).toBe('location-sharing');
    expect(f.title).toBe('A family-tracking app is hidden on this phone');
    expect(f.explanation.what).toMatch(/icon is hidden/);
    expect(f.explanation.risk).toMatch(/keep track of you/);
    expect(f.explanation.risk).toMatch(/where this phone is/);
    expect(`${f.title} ${f.explanation.what} ${f.explanation.risk}`).not.toMatch(SPY_WORDS);
    expect(f.evidence.dualUse).toMatchObject({ seen: ['icon hidden'] });
    expect(report).toMatch(/A family-tracking app is hidden on this phone/);
    expect(report).not.toMatch(/app that is known spyware|made to secretly watch/);
  });
});

describe('scan --demo: a package name Echap lists only in its samples', () => {
  it('is found as the product of its sample', async () => {
    const { finding } = await scan(phoneWith('com.duiyun.minspy'));
    const f = finding('com.duiyun.minspy');
    expect(f.severity).toBe('high');
    expect(f.rule).toBe('stalkerware.cocospy');
    expect(f.evidence.reasons).toContainEqual(
      expect.objectContaining({ rule: 'stalkerware.cocospy', matcher: 'package' }),
    );
  });
});
