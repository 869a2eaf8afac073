import { describe, expect, it } from 'vitest';
import type { Finding, FindingsDoc } from '../model/findings.js';
import type { Severity } from '../model/severity.js';
import { EXIT } from './context.js';
import { exitCodeFor } from './exitCode.js';

const doc = (...severities: Severity[]): FindingsDoc => ({
  schema: 1,
  summary: { high: 0, medium: 0, low: 0, info: 0 },
  findings: severities.map((severity) => ({ severity }) as Finding),
});

describe('exitCodeFor (the exit code contract in DESIGN.md)', () => {
  it('maps a command that stopped to usage (2) or error (1)', () => {
    expect(exitCodeFor({ stopped: 'usage' })).toBe(EXIT.usage);
    expect(exitCodeFor({ stopped: 'error' }, 'low')).toBe(EXIT.error);
  });

  it('says incomplete (3) before any --fail-on threshold', () => {
    expect(exitCodeFor({ complete: false, findings: doc('high') }, 'high')).toBe(EXIT.incomplete);
  });

  it('reaches --fail-on (4) at that severity or worse, and only with --fail-on', () => {
    expect(exitCodeFor({ complete: true, findings: doc('high') })).toBe(EXIT.ok);
    expect(exitCodeFor({ complete: true, findings: doc('medium') }, 'medium')).toBe(EXIT.failOn);
    expect(exitCodeFor({ complete: true, findings: doc('high') }, 'medium')).toBe(EXIT.failOn);
    expect(exitCodeFor({ complete: true, findings: doc('low', 'info') }, 'medium')).toBe(EXIT.ok);
  });
});
