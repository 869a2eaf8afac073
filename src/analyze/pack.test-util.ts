/** A one-pack rule set for engine tests: every rule defaults to high known stalkerware. */
import type { LoadedRule, RulePack } from '../rules/load.js';
import type { RuleDef } from '../rules/schema.js';

const EXPL = { what: 'w', risk: 'r', next_steps: 'n' };

export function pack(rules: Array<Partial<RuleDef> & Pick<RuleDef, 'id' | 'match'>>): RulePack {
  const loaded: LoadedRule[] = rules.map((r) => ({
    title: r.id,
    category: 'stalkerware',
    severity: 'high',
    platforms: ['android'],
    explanation: EXPL,
    ...r,
    pack: 'p',
    packVersion: '1.0.0',
    file: 'x.yaml',
  }));
  return {
    id: 'p',
    name: 'p',
    version: '1.0.0',
    sha256: '0',
    dir: '.',
    meta: { schema: 1, id: 'p', name: 'p', version: '1.0.0', licence: 'MIT', date: '2026-01-01' },
    rules: loaded,
  };
}
