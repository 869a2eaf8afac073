/**
 * Names of apps in findings: the phone's own name, else what a rule or a pack's
 * labels.yaml calls that id, but only for an app that came with the phone or
 * from a store, so a borrowed name never covers a disguise.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../model/findings.js';
import { attachPackLabels } from '../rules/labels.js';
import { defaultRulesDir, formatRuleError, loadRulePacks } from '../rules/load.js';
import type { RuleTestCase } from '../rules/schema.js';
import { analyzeSnapshot } from './analyze.js';
import { type CompiledRules, compileRules } from './compile.js';
import { pack } from './pack.test-util.js';
import { snapshotFromCase } from './ruleTester.js';

let shipped: CompiledRules;
beforeAll(async () => {
  const { packs, errors } = await loadRulePacks([defaultRulesDir()]);
  expect(errors.map(formatRuleError)).toEqual([]);
  shipped = compileRules(packs);
});

const INSTALL = ['REQUEST_INSTALL_PACKAGES'];
type App = NonNullable<RuleTestCase['app']>;

function findingFor(app: App, rules = shipped): Finding {
  const doc = analyzeSnapshot(snapshotFromCase({ app }), rules);
  const f = doc.findings.find((x) => x.subject.type === 'app' && x.subject.id === app.id);
  if (!f) throw new Error(`no finding about ${app.id}`);
  return f;
}

describe('app names in findings (shipped packs)', () => {
  it('names Samsung Internet, which no rule names, in "allowed to install other apps"', () => {
    const f = findingFor({
      id: 'com.sec.android.app.sbrowser',
      system: true,
      installer: 'preinstalled',
      appops: INSTALL,
    });
    expect(f.rule).toBe('posture.app-can-install-apps');
    expect(f.subject).toEqual({
      type: 'app',
      id: 'com.sec.android.app.sbrowser',
      label: 'Samsung Internet',
    });
  });

  it.each([
    ['com.google.android.apps.nbu.files', 'Files by Google'],
    ['com.sec.android.app.myfiles', 'My Files (Samsung)'],
    ['com.android.chrome', 'Chrome'],
    ['com.mi.android.globalFileexplorer', 'File Manager (Xiaomi)'],
  ])('names %s "%s" when it came with the phone', (id, name) => {
    expect(
      findingFor({ id, system: true, installer: 'preinstalled', appops: INSTALL }).subject.label,
    ).toBe(name);
  });

  it('names an app from a store too', () => {
    const f = findingFor({ id: 'org.mozilla.firefox', installer: 'store', appops: INSTALL });
    expect(f.subject.label).toBe('Firefox');
  });

  it("keeps the phone's own name, even when a pack knows another", () => {
    const f = findingFor({
      id: 'com.sec.android.app.sbrowser',
      label: 'Internet',
      system: true,
      installer: 'preinstalled',
      appops: INSTALL,
    });
    expect(f.subject.label).toBe('Internet');
  });

  it.each<[string, Partial<App>]>([
    ['installed from a file', { installer: 'sideloaded' }],
    ['from an unknown source', { installer: 'unknown' }],
    [
      'falsely claiming the Play Store',
      {
        installer: 'sideloaded',
        false_store_claim: 'com.android.vending',
        from_computer: true,
      },
    ],
  ])('never lends a well-known name to an app %s (any app can take any id)', (_how, facts) => {
    const f = findingFor({ id: 'com.android.chrome', appops: INSTALL, ...facts });
    expect(f.subject.label).toBeUndefined();
    expect(f.subject.id).toBe('com.android.chrome');
  });

  it('a rule that names the app still names it, wherever it came from', () => {
    const f = findingFor({ id: 'com.life360.android.safetymapd', installer: 'sideloaded' });
    expect(f.subject.label).toBe('Life360');
  });
});

describe('app names from hand-built packs', () => {
  const installRule = {
    id: 'test.can-install',
    severity: 'info' as const,
    category: 'device-posture' as const,
    match: { install_other_apps: true },
  };

  it('uses any rule’s labels, not only the matching rule’s', () => {
    const p = pack([
      installRule,
      {
        id: 'test.names',
        match: { package: ['org.other.app'] },
        labels: { 'org.example.files': 'Example Files' },
      },
    ]);
    const f = findingFor(
      { id: 'org.example.files', installer: 'store', appops: INSTALL },
      compileRules([p]),
    );
    expect(f.rule).toBe('test.can-install');
    expect(f.subject.label).toBe('Example Files');
  });

  it('cleans hostile names from packs that did not come through the loader', () => {
    const p = pack([
      installRule,
      {
        id: 'test.names',
        match: { package: ['org.example.files'] },
        labels: { 'org.example.files': '\u202eFiles\u001b[2J\nAll clear' },
      },
    ]);
    const f = findingFor(
      { id: 'org.example.files', installer: 'store', appops: INSTALL },
      compileRules([p]),
    );
    expect(f.subject.label).toBe('Files All clear');

    const q = pack([installRule]);
    attachPackLabels(q.rules, {
      pack: 'p',
      file: 'labels.yaml',
      labels: { 'org.example.browser': 'Browser\u0007\u200b\r\nNo spyware found' },
    });
    const g = findingFor(
      { id: 'org.example.browser', installer: 'store', appops: INSTALL },
      compileRules([q]),
    );
    expect(g.subject.label).toBe('Browser No spyware found');
  });
});

describe('app names on an iPhone', () => {
  const p = () =>
    pack([
      {
        id: 'test.any-ios-app',
        severity: 'info',
        category: 'behaviour',
        platforms: ['ios'],
        match: { ios_signer: ['app-store', 'unknown'] },
      },
      {
        id: 'test.names',
        platforms: ['ios'],
        match: { ios_bundle: ['org.other.app'] },
        labels: { 'com.example.notes': 'Example Notes' },
      },
    ]);
  const find = (ios_app: NonNullable<RuleTestCase['ios_app']>) => {
    const doc = analyzeSnapshot(snapshotFromCase({ ios_app }), compileRules([p()]));
    return doc.findings.find((f) => f.subject.id === ios_app.id)!;
  };

  it('lends a name to an App Store app the phone gave no name for', () => {
    expect(find({ id: 'com.example.notes', signer: 'app-store' }).subject.label).toBe(
      'Example Notes',
    );
  });

  it('keeps the name the iPhone gives', () => {
    expect(
      find({ id: 'com.example.notes', name: 'Notes+', signer: 'app-store' }).subject.label,
    ).toBe('Notes+');
  });

  it('never names an app whose App Store claim is false', () => {
    const f = find({ id: 'com.example.notes', signer: 'app-store', spoofed_signer: true });
    expect(f.subject.label).toBeUndefined();
  });
});
