/**
 * The words every shipped rule puts in a report. A report is read by the person
 * whose phone was checked, so every sentence speaks to them ("Did you install
 * this app?"), never about them ("the survivor", "the user") and never to the
 * support worker ("ask the person who owns this phone…"); the support worker is
 * always "your support worker"; no jargon a twelve-year-old would not know;
 * every text ends like a sentence.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRulesDir, formatRuleError, type LoadedRule, loadRulePacks } from './load.js';

interface Ban {
  /** what the failure says */
  why: string;
  re: RegExp;
  /** the sentence may use the word when this holds (a plain explanation beside it) */
  allowed?: (sentence: string) => boolean;
}

/** Words a report never uses. Each is checked sentence by sentence. */
const BANNED: readonly Ban[] = [
  { why: '"caseworker": say "your support worker"', re: /\bcase[\s-]?workers?\b/i },
  { why: '"advocate"/"IDVA": say "your support worker"', re: /\b(?:advocates?|IDVAs?)\b/i },
  { why: 'speaks about "the survivor": speak to them ("you")', re: /\bthe survivors?\b/i },
  { why: 'speaks about "the victim": speak to them ("you")', re: /\bthe victims?\b/i },
  { why: 'speaks about "the user": speak to them ("you")', re: /\bthe users?\b/i },
  { why: 'speaks about "the client": speak to them ("you")', re: /\bthe clients?\b/i },
  {
    why: 'speaks about the phone\'s owner: speak to them ("you", "your phone")',
    re: /\bthe (?:phone(?:'s|\u2019s)? )?owners?\b|\bthe person who owns\b|\bthe person (?:holding|using) (?:this|the) phone\b/i,
  },
  {
    why: 'an instruction to the support worker: ask the reader ("Did you…?") or say "check together with your support worker"',
    re: /\b(?:ask|check with|tell|explain to) (?:the )?(?:survivor|victim|user|client|owner|person who owns|them whether)\b/i,
  },
  { why: '"sideload": say "installed from outside an app store"', re: /\bside[\s-]?load/i },
  { why: '"IOC": say what was found (a name, a fingerprint)', re: /\bIOCs?\b/ },
  { why: '"MDM": say "device management" and what it lets someone do', re: /\bMDM\b/ },
  {
    why: '"APK" without saying in the same sentence that it is an app\'s installation file',
    re: /\bAPKs?\b/i,
    allowed: (s) => /\b(?:app(?:'s|\u2019s)? )?(?:installation|install|app) files?\b/i.test(s),
  },
];

const FIELDS = ['what', 'risk', 'next_steps'] as const;
/** Ends like a sentence: a full stop (or a question), perhaps inside a closing quote or bracket. */
const SENTENCE_END = /[.?!]["'\u201d\u2019)]?$/;

const sentences = (text: string) => text.split(/(?<=[.?!]["'\u201d\u2019)]?)\s+/);

/** Every problem in one rule's report words, as "pack/rule field: why — sentence". */
function wordProblems(rule: LoadedRule): string[] {
  const out: string[] = [];
  const where = (field: string) => `${rule.pack}/${rule.id} ${field}`;
  const texts: Array<[string, string]> = [
    ['title', rule.title],
    ...FIELDS.map((f): [string, string] => [`explanation.${f}`, rule.explanation[f]]),
  ];
  for (const [field, raw] of texts) {
    const text = raw.replace(/\s+/g, ' ').trim();
    for (const sentence of sentences(text)) {
      for (const ban of BANNED) {
        if (ban.re.test(sentence) && !ban.allowed?.(sentence)) {
          out.push(`${where(field)}: ${ban.why} \u2014 "${sentence}"`);
        }
      }
    }
    if (field !== 'title' && !SENTENCE_END.test(text)) {
      out.push(`${where(field)}: does not end with a full stop \u2014 "\u2026${text.slice(-60)}"`);
    }
  }
  return out;
}

/** The training pack the demo phone ships with: its words reach demo reports too. */
function trainingPacks(): string[] {
  const root = join(defaultRulesDir(), '..', 'fixtures', 'devices');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((d) => join(root, d, 'training-pack'))
    .filter((p) => existsSync(join(p, 'pack.yaml')));
}

describe('report words in the shipped rule packs', () => {
  it('speak to the reader, say "support worker", avoid jargon and end with a full stop', async () => {
    const { packs, errors } = await loadRulePacks([defaultRulesDir(), ...trainingPacks()]);
    expect(errors.map(formatRuleError)).toEqual([]);
    const rules = packs.flatMap((p) => p.rules);
    expect(rules.length).toBeGreaterThan(150);
    // one line per problem: which pack, rule and field, why, and the sentence
    expect(rules.flatMap(wordProblems)).toEqual([]);
  });
});

describe('the words check itself', () => {
  const rule = (explanation: Partial<LoadedRule['explanation']>, title = 'A title') =>
    ({
      id: 'test.rule',
      pack: 'test',
      title,
      explanation: {
        what: 'This app can see where you are.',
        risk: 'Someone may be able to see where you are.',
        next_steps: 'Did you install this app? Talk to your support worker first.',
        ...explanation,
      },
    }) as LoadedRule;

  it.each([
    ['Talk to your caseworker first.', /caseworker/],
    ['Talk to your case worker first.', /caseworker/],
    ['Your IDVA can help.', /IDVA/],
    ['Ask the survivor whether she installed it.', /the survivor/],
    ['The victim may be at risk.', /the victim/],
    ["Check the user's accounts.", /the user/],
    ['Ask the person who owns this phone whether they installed it.', /owner/],
    ['Check with the client who set it up.', /the client/],
    ['The app was sideloaded.', /sideload/],
    ['This IOC matched.', /IOC/],
    ['The APK was signed by the maker.', /APK/],
    ['Remove it when it is safe', /full stop/],
  ])('flags %j', (text, why) => {
    const problems = wordProblems(rule({ next_steps: text }));
    expect(problems.join('\n')).toMatch(why);
    expect(problems[0]).toMatch(/^test\/test\.rule explanation\.next_steps: /);
  });

  it.each([
    'Did you install this app yourself? Talk to your support worker first.',
    'The APK (the app\u2019s installation file) was signed by a stalkerware maker.',
    'Researchers who help survivors of abuse flagged this app.',
    'Ask the police to look at the phone before anything is removed.',
    'Settings shows "This iPhone is supervised."',
  ])('lets %j pass', (text) => {
    expect(wordProblems(rule({ what: text }))).toEqual([]);
  });

  it('checks titles for the same words', () => {
    expect(wordProblems(rule({}, 'App sideloaded by the user'))).toHaveLength(2);
  });
});
