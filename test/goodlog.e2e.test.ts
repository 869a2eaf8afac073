/**
 * Sigma's "goodlog" idea: the shipped packs run over every clean simulated
 * phone and must stay (almost) silent. Any finding on a clean phone must be
 * listed here as a known, explained false positive — or the rule is wrong.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeSnapshot } from '../src/analyze/analyze.js';
import { type CompiledRules, compileRules } from '../src/analyze/compile.js';
import type { Finding, FindingsDoc } from '../src/model/findings.js';
import type { AndroidSnapshot } from '../src/model/snapshot.js';
import { defaultRulesDir, loadRulePacks } from '../src/rules/load.js';
import { loadProfile } from '../src/sim/android/device.js';
import { readSimulatedPhone } from './helpers.js';

/**
 * Findings a clean phone may show, with why they are acceptable. Only low
 * and info severities may ever be listed here.
 */
const KNOWN_ON_CLEAN: Record<string, string> = {
  'posture.old-security-patch':
    'the fixtures were captured in 2024 and the tests run later; an old patch is a real "worth a look"',
  'posture.developer-options':
    'a clean phone whose owner develops apps trusts their own computer: developer options were on before (info)',
  'posture.usb-debugging':
    'a clean phone that trusts its owner\u2019s computer had USB debugging on before today (low)',
  'posture.accounts-check': 'the list of accounts is context for the survivor to check (info)',
};

let rules: CompiledRules;
beforeAll(async () => {
  const { packs, errors } = await loadRulePacks([defaultRulesDir()]);
  expect(errors).toEqual([]);
  rules = compileRules(packs);
});

async function scan(name: string): Promise<{ snapshot: AndroidSnapshot; doc: FindingsDoc }> {
  const profile = await loadProfile(name);
  const { snapshot } = await readSimulatedPhone(profile);
  return { snapshot, doc: analyzeSnapshot(snapshot, rules) };
}

const describeFinding = (f: Finding) =>
  `${f.severity} ${f.rule} on ${f.subject.id}: ${f.evidence.reasons.map((r) => `${r.matcher}=${r.value}`).join(', ')}`;

describe.each(['clean-pixel14', 'old-a10'])('clean phone %s', (name) => {
  it('has no high or medium finding, and nothing unexplained', async () => {
    const { doc } = await scan(name);
    const serious = doc.findings.filter((f) => f.severity === 'high' || f.severity === 'medium');
    expect(serious.map(describeFinding)).toEqual([]);
    const unexplained = doc.findings.filter((f) => !(f.rule in KNOWN_ON_CLEAN));
    expect(unexplained.map(describeFinding)).toEqual([]);
    expect(doc.summary.low).toBeLessThanOrEqual(2);
  });

  it('treats store apps with accessibility or notification access as normal', async () => {
    const { snapshot, doc } = await scan(name);
    const storeWatchers = snapshot.apps.filter(
      (a) =>
        a.installerClass === 'store' &&
        (snapshot.accessibilityServices.some((c) => c.package === a.id) ||
          snapshot.notificationListeners.some((c) => c.package === a.id)),
    );
    if (name === 'clean-pixel14')
      expect(storeWatchers.map((a) => a.id)).toContain('com.x8bit.bitwarden');
    for (const a of storeWatchers) {
      expect(doc.findings.filter((f) => f.subject.id === a.id && f.severity !== 'info')).toEqual(
        [],
      );
    }
  });
});

describe('dual-use phone', () => {
  it('gets medium/low findings with reasons for the tracking and remote-access apps, and no high', async () => {
    const { doc } = await scan('dualuse-pixel7');
    expect(doc.findings.filter((f) => f.severity === 'high').map(describeFinding)).toEqual([]);
    const bySubject = new Map(doc.findings.map((f) => [f.subject.id, f]));
    for (const id of [
      'com.life360.android.safetymapd',
      'com.qustodio.qustodioapp',
      'com.geozilla.family',
      'com.teamviewer.quicksupport.market',
    ]) {
      const f = bySubject.get(id);
      expect(f, id).toBeDefined();
      expect(['medium', 'low']).toContain(f?.severity);
      expect(f?.evidence.reasons.length).toBeGreaterThan(0);
      expect(f?.explanation.next_steps).toBeTruthy();
    }
    expect(
      doc.findings.some(
        (f) => f.subject.type !== 'app' && /google-accounts/.test(f.rule) && f.severity !== 'info',
      ),
    ).toBe(true);
  });
});

describe('infected phone', () => {
  it('gets exactly its three planted apps as high', async () => {
    const { doc } = await scan('infected-a12');
    const high = doc.findings.filter((f) => f.severity === 'high').map((f) => f.subject.id);
    // the renamed app needs the training pack (scan --demo loads it); the other two are found by shipped rules
    expect(high.sort()).toEqual(['com.device.health.service', 'com.systemservice']);
  });
});
