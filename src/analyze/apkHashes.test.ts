/**
 * apk_sha256 and the apps spycheck fingerprints: only apps that can be a known sample (not from
 * a store, cross-checked) are copied and hashed, so a store or preinstalled app's missing hash
 * is a plain "no" — never "not checked" — while a sideloaded app's missing hash is unknown when
 * the fingerprint check ran only in part.
 */
import { describe, expect, it } from 'vitest';
import type { Fact } from '../model/fact.js';
import type { AndroidApp, AndroidSnapshot } from '../model/snapshot.js';
import { analyzeSnapshot } from './analyze.js';
import { isComplete } from './blindSpots.js';
import { compileRules } from './compile.js';
import { compileMatch, makeCtx } from './match.js';
import { pack } from './pack.test-util.js';
import { snapshotFromCase } from './ruleTester.js';

const SAMPLE = 'AB'.repeat(32);
const matcher = compileMatch({ apk_sha256: [SAMPLE] });

function app(over: Partial<AndroidApp>): AndroidApp {
  const s = snapshotFromCase({ app: { id: over.id ?? 'a.b' } });
  return { ...s.apps[0]!, ...over };
}

function judge(a: AndroidApp, facts: { unknown?: Fact[]; partial?: Fact[] } = {}) {
  const s = snapshotFromCase({ device: {} }) as AndroidSnapshot;
  s.apps = [a];
  const ctx = makeCtx(s, new Set(facts.unknown), new Set(facts.partial));
  return matcher(ctx, a).v;
}

describe('apk_sha256 on an app with no fingerprint', () => {
  it('is "no" for store and preinstalled apps, whether or not the check ran in full', () => {
    for (const installerClass of ['store', 'preinstalled'] as const) {
      const a = app({ installerClass, system: installerClass === 'preinstalled' });
      expect(judge(a)).toBe('no');
      expect(judge(a, { partial: ['apk_hashes'] })).toBe('no');
      expect(judge(a, { unknown: ['apk_hashes'] })).toBe('no');
    }
  });

  it('is unknown for an app not from a store when the fingerprints were read only in part', () => {
    for (const installerClass of ['sideloaded', 'other-store', 'unknown'] as const) {
      const a = app({ installerClass });
      expect(judge(a), installerClass).toBe('no');
      expect(judge(a, { partial: ['apk_hashes'] }), installerClass).toBe('unknown');
      expect(judge(a, { unknown: ['apk_hashes'] }), installerClass).toBe('unknown');
    }
  });

  it('counts an app that falsely claims a store as not from a store', () => {
    // the snapshot classes it sideloaded (its install record contradicts the claim)
    const a = app({ installerClass: 'sideloaded', falseStoreClaim: 'com.android.vending' });
    expect(judge(a, { partial: ['apk_hashes'] })).toBe('unknown');
    expect(judge({ ...a, apkSha256: SAMPLE })).toBe('yes');
  });

  it('is "no" for an app removed with only its data kept (no file is left to hash)', () => {
    const a = app({ installerClass: 'sideloaded', installedForUser0: false });
    expect(judge(a, { partial: ['apk_hashes'] })).toBe('no');
  });

  it('an old snapshot without installer classes: every app outside the system image counts', () => {
    const { installerClass: _, ...old } = app({});
    expect(judge(old as AndroidApp, { partial: ['apk_hashes'] })).toBe('unknown');
    expect(judge({ ...old, system: true } as AndroidApp, { partial: ['apk_hashes'] })).toBe('no');
  });
});

describe('apk_sha256 with a fingerprint', () => {
  it('matches a sideloaded sample whatever the case, and a store app only on its own hash', () => {
    expect(judge(app({ installerClass: 'sideloaded', apkSha256: SAMPLE.toLowerCase() }))).toBe(
      'yes',
    );
    // --hash-all-apps: a store app's hash is compared like any other
    expect(judge(app({ installerClass: 'store', apkSha256: SAMPLE }))).toBe('yes');
    expect(judge(app({ installerClass: 'store', apkSha256: 'CD'.repeat(32) }))).toBe('no');
  });
});

describe('a whole analysis', () => {
  it('store apps without fingerprints leave no rule unjudged and the result complete', () => {
    const s = snapshotFromCase({ app: { id: 'com.store.app', installer: 'store' } });
    s.checks = [{ id: 'apk-hashes', title: 'Fingerprints', status: 'ok' }];
    // (the app history was read too: a package rule also judges apps that were removed)
    s.pastApps = [];
    const doc = analyzeSnapshot(
      s,
      compileRules([
        pack([
          { id: 't.hash', match: { apk_sha256: [SAMPLE] } },
          {
            id: 't.hash-or-name',
            match: { any: [{ apk_sha256: [SAMPLE] }, { package: ['x.y'] }] },
          },
        ]),
      ]),
    );
    expect(doc.findings).toEqual([]);
    expect(doc.notEvaluated).toBeUndefined();
    expect(isComplete(s, doc)).toBe(true);
  });

  it('finds the sideloaded sample by its fingerprint', () => {
    const s = snapshotFromCase({
      app: { id: 'org.example.renamed', installer: 'sideloaded', apk_sha256: SAMPLE },
    });
    const doc = analyzeSnapshot(
      s,
      compileRules([pack([{ id: 't.hash', match: { apk_sha256: [SAMPLE] } }])]),
    );
    expect(doc.findings).toHaveLength(1);
    expect(doc.findings[0]?.evidence.reasons[0]).toMatchObject({
      matcher: 'apk_sha256',
      value: SAMPLE,
    });
  });
});
