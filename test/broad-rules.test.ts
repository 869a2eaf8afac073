/**
 * Nuclei's "target that answers everything": an app that holds every grant
 * and every special access, under a package id no list knows. Rules that
 * fire on it must be the behaviour rules that are meant to, and only at the
 * severity their meaning allows — anything else matches too much.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeSnapshot } from '../src/analyze/analyze.js';
import { type CompiledRules, compileRules } from '../src/analyze/compile.js';
import { snapshotFromCase } from '../src/analyze/ruleTester.js';
import { defaultRulesDir, loadRulePacks } from '../src/rules/load.js';

const EVERY_PERMISSION = [
  'android.permission.ACCESS_FINE_LOCATION',
  'android.permission.ACCESS_BACKGROUND_LOCATION',
  'android.permission.RECORD_AUDIO',
  'android.permission.CAMERA',
  'android.permission.READ_SMS',
  'android.permission.RECEIVE_SMS',
  'android.permission.READ_CALL_LOG',
  'android.permission.READ_CONTACTS',
  'android.permission.READ_EXTERNAL_STORAGE',
  'android.permission.READ_MEDIA_IMAGES',
  'android.permission.READ_PHONE_STATE',
  'android.permission.POST_NOTIFICATIONS',
];
const EVERY_APPOP = ['GET_USAGE_STATS', 'SYSTEM_ALERT_WINDOW', 'REQUEST_INSTALL_PACKAGES'];

function everythingApp(installer: 'store' | 'sideloaded', launcher: 'visible' | 'hidden') {
  return snapshotFromCase({
    app: {
      id: 'org.example.answers.everything',
      installer,
      launcher,
      system: false,
      permissions: EVERY_PERMISSION,
      appops: EVERY_APPOP,
      accessibility_service: true,
      notification_listener: true,
      device_admin: true,
      battery_exempt: true,
    },
  });
}

let rules: CompiledRules;
beforeAll(async () => {
  const { packs, errors } = await loadRulePacks([defaultRulesDir()]);
  expect(errors).toEqual([]);
  rules = compileRules(packs);
});

const appFindings = (doc: ReturnType<typeof analyzeSnapshot>) =>
  doc.findings.filter((f) => f.subject.type === 'app');

describe('an unknown app that holds everything', () => {
  it('from a store: never high (password managers and watches hold much of this)', () => {
    const doc = analyzeSnapshot(everythingApp('store', 'visible'), rules);
    expect(appFindings(doc).filter((f) => f.severity === 'high')).toEqual([]);
  });

  it('sideloaded with a visible icon: flagged by behaviour and posture rules only, not as a named product', () => {
    const doc = analyzeSnapshot(everythingApp('sideloaded', 'visible'), rules);
    const rulesHit = appFindings(doc).flatMap((f) => f.evidence.reasons.map((r) => r.rule));
    expect(rulesHit.length).toBeGreaterThan(0);
    for (const id of rulesHit)
      expect(id, 'a named-product rule matched an unknown app').toMatch(/^(behaviour|posture)\./);
  });

  it('sideloaded and hidden: high, by behaviour', () => {
    const doc = analyzeSnapshot(everythingApp('sideloaded', 'hidden'), rules);
    const f = appFindings(doc)[0];
    expect(f?.severity).toBe('high');
    expect(f?.category).toBe('behaviour');
  });
});
