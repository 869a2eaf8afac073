/** Rule text must not hold what the terminal sanitiser would remove (issue 7, defect 6). */
import { describe, expect, it } from 'vitest';
import { hasHiddenCharacters } from '../util/sanitize.js';
import { PACK_META, RULE } from './schema.js';

const rule = (over: Record<string, unknown> = {}) => ({
  id: 'test.one',
  title: 'Test rule',
  category: 'stalkerware',
  severity: 'high',
  platforms: ['android'],
  match: { package: ['com.example.spy'] },
  explanation: { what: 'w', risk: 'r', next_steps: 'n' },
  ...over,
});

const pack = (over: Record<string, unknown> = {}) => ({
  schema: 1,
  id: 'test-pack',
  name: 'Test pack',
  version: '0.1.0',
  licence: 'MIT',
  date: '2026-01-01',
  ...over,
});

const HOSTILE: Record<string, string> = {
  'C1 CSI (8-bit ESC [)': 'Spy\x9b2JBundle verified OK',
  'C1 OSC': 'Spy\x9d0;title\x9c',
  'C1 NEL': 'Spy\x85',
  'right-to-left override U+202E': 'photo\u202egpj.exe',
  'left-to-right embedding U+202A': 'Friend\u202as\u202c',
  'LRI U+2066': 'a\u2066b',
  'RLI U+2067': 'a\u2067b',
  'FSI U+2068': 'a\u2068b',
  'PDI U+2069': 'a\u2069b',
  'right-to-left mark U+200F': 'Spy\u200f',
  'zero-width space U+200B': 'Whats\u200bApp',
  'zero-width joiner U+200D': 'Whats\u200dApp',
  'word joiner U+2060': 'Whats\u2060App',
  BOM: '\ufeffSpy',
  'line separator U+2028': 'Spy\u2028Bundle verified OK',
  'Hangul filler U+3164': 'Spy\u3164',
};

describe('rule schema text fields', () => {
  it.each(Object.entries(HOSTILE))('refuses %s in a rule title and explanation', (_, text) => {
    expect(RULE.safeParse(rule({ title: text })).success).toBe(false);
    const explanation = { what: `line one\n${text}`, risk: 'r', next_steps: 'n' };
    const res = RULE.safeParse(rule({ explanation }));
    expect(res.success).toBe(false);
    expect(res.error?.issues[0]?.message).toMatch(/plain text without control, bidi-override/);
  });

  it.each(Object.entries(HOSTILE))('refuses %s in pack.yaml name and description', (_, text) => {
    expect(PACK_META.safeParse(pack({ name: text })).success).toBe(false);
    expect(PACK_META.safeParse(pack({ description: text })).success).toBe(false);
  });

  it('refuses hidden characters in labels and false-positive notes', () => {
    expect(RULE.safeParse(rule({ labels: { 'com.example.spy': 'Calc\u202e' } })).success).toBe(
      false,
    );
    expect(RULE.safeParse(rule({ falsepositives: ['ok', 'x\x9by'] })).success).toBe(false);
  });

  it('refuses exactly the characters the terminal sanitiser removes (except tab and line breaks)', () => {
    // tab, line breaks and ordinary non-Latin text stay allowed
    const explanation = {
      what: 'First line.\nSecond line,\r\n\tindented.',
      risk: 'Дети · 어디야! · ☎ · 🎙🎙 · عربي · עברית',
      next_steps: 'n',
    };
    expect(RULE.safeParse(rule({ explanation })).success).toBe(true);
    expect(RULE.safeParse(rule({ title: 'Spy Phone ® Pro — Find Your Friends' })).success).toBe(
      true,
    );

    const wrong: string[] = [];
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue; // lone surrogates are not text
      const c = String.fromCharCode(cp);
      const hidden = hasHiddenCharacters(c) && !'\t\n\r'.includes(c);
      const accepted = RULE.safeParse(rule({ title: `a${c}b` })).success;
      if (accepted === hidden) wrong.push(cp.toString(16));
    }
    expect(wrong).toEqual([]);
  });
});
