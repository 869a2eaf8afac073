import { describe, expect, it } from 'vitest';
import { testPacks } from '../analyze/ruleTester.js';
import { defaultRulesDir, formatRuleError, loadRulePacks } from './load.js';

describe('shipped rule packs', () => {
  it('load cleanly and pass every rule test', async () => {
    const { packs, errors } = await loadRulePacks([defaultRulesDir()]);
    expect(errors.map(formatRuleError)).toEqual([]);
    const results = testPacks(packs);
    expect(results.flatMap((r) => r.failures).map(formatRuleError)).toEqual([]);
    expect(results.length).toBeGreaterThan(150);
  });

  it('refuses a rule without must-match and must-not-match cases', async () => {
    const { packs } = await loadRulePacks([defaultRulesDir()]);
    const pack = packs[0]!;
    const rule = { ...pack.rules[0]!, tests: undefined };
    const [res] = testPacks([{ ...pack, rules: [rule] }]);
    expect(res!.failures[0]!.message).toMatch(/needs tests/);
  });
});
