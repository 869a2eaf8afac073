/**
 * Rule-engine benchmark: ~20k exact indicators × 2,000 apps, compiled and
 * matched. Timing lives here, not in tests, so slow CI machines never fail.
 */
import { analyzeSnapshot } from '../analyze/analyze.js';
import { compileRules } from '../analyze/compile.js';
import { snapshotFromCase } from '../analyze/ruleTester.js';
import type { AndroidApp } from '../model/snapshot.js';
import type { LoadedRule, RulePack } from '../rules/load.js';

const hex = (n: number, len: number) => n.toString(16).toUpperCase().padStart(len, '0');

export function benchRules(): {
  indicators: number;
  apps: number;
  compileMs: number;
  matchMs: number;
} {
  const rules: LoadedRule[] = [];
  for (let r = 0; r < 500; r++) {
    rules.push({
      id: `bench.r${r}`,
      title: `Bench ${r}`,
      category: 'stalkerware',
      severity: 'high',
      platforms: ['android'],
      explanation: { what: 'w', risk: 'r', next_steps: 'n' },
      match: {
        any: [
          { package: Array.from({ length: 10 }, (_, i) => `com.bench.r${r}.p${i}`) },
          { cert_sha1: Array.from({ length: 10 }, (_, i) => hex(r * 100 + i, 40)) },
          { apk_sha256: Array.from({ length: 20 }, (_, i) => hex(r * 100 + i, 64)) },
        ],
      },
      pack: 'bench',
      packVersion: '0',
      file: 'bench.yaml',
    });
  }
  rules.push({
    ...rules[0]!,
    id: 'bench.behaviour',
    match: {
      installer: ['sideloaded'],
      launcher: 'hidden',
      any: [{ accessibility_service: true }],
    },
  });
  const pack: RulePack = {
    id: 'bench',
    name: 'bench',
    version: '0',
    sha256: '0',
    dir: '.',
    meta: {
      schema: 1,
      id: 'bench',
      name: 'bench',
      version: '0.0.0',
      licence: 'MIT',
      date: '2026-01-01',
    },
    rules,
  };
  const snap = snapshotFromCase({ device: {} });
  const apps: AndroidApp[] = [];
  for (let i = 0; i < 2000; i++) {
    const base = snapshotFromCase({
      app: {
        id: `org.app${i}.x`,
        installer: i % 3 ? 'store' : 'sideloaded',
        cert_sha1: hex(10_000_000 + i, 40),
      },
    });
    apps.push(base.apps[0]!);
  }
  apps[7] = { ...apps[7]!, id: 'com.bench.r3.p1' };
  snap.apps = apps;

  const t0 = performance.now();
  const compiled = compileRules([pack]);
  const t1 = performance.now();
  const doc = analyzeSnapshot(snap, compiled);
  const t2 = performance.now();
  if (doc.findings.length !== 1)
    throw new Error(`benchmark expected 1 finding, got ${doc.findings.length}`);
  return {
    indicators: compiled.indicators,
    apps: apps.length,
    compileMs: t1 - t0,
    matchMs: t2 - t1,
  };
}
