import { describe, expect, it } from 'vitest';
import { benchRules } from './rules.js';

describe('benchRules', () => {
  it('builds ~20k indicators × 2,000 apps and finds exactly the planted app', () => {
    const r = benchRules();
    expect(r.indicators).toBe(20_000);
    expect(r.apps).toBe(2000);
    expect(r.compileMs).toBeGreaterThanOrEqual(0);
  });
});
