/**
 * Human names for apps, from the rule packs, for findings about apps the phone
 * gave no name for (Android's dumpsys never does).
 *
 * Two sources, both exact app ids:
 *  - `labels:` on a rule: the names of the apps that rule is about (product
 *    names: "mSpy", "Life360");
 *  - a pack's `labels.yaml`: names of common store and preinstalled apps
 *    ("Samsung Internet", "Files by Google") that findings about settings and
 *    special access often concern.
 *
 * The phone's own name always wins. A name from a pack is a claim about what an
 * app with that id usually is, so it is only lent to an app that came with the
 * phone or from an app store: an app put on the phone by hand can take any id,
 * and "Chrome" must never cover a disguise. Such an app keeps its bare id.
 */
import type { IosApp } from '../model/iosSnapshot.js';
import type { AndroidApp } from '../model/snapshot.js';
import { cleanText } from '../util/sanitize.js';
import type { LoadedRule } from './load.js';

/** Longest name shown; the schema refuses longer ones, this caps anything built by hand. */
export const MAX_LABEL_LENGTH = 120;

/** A pack's `labels.yaml`, as loaded. */
export interface PackLabels {
  pack: string;
  file: string;
  labels: Readonly<Record<string, string>>;
}

/**
 * The loader records which labels.yaml belongs to each rule's pack here (not on
 * the rule itself, so that `rules show` and copies of a rule stay as written).
 */
const PACK_LABELS = new WeakMap<LoadedRule, PackLabels>();

export function attachPackLabels(rules: readonly LoadedRule[], labels: PackLabels): void {
  for (const r of rules) PACK_LABELS.set(r, labels);
}

export function packLabelsOf(rule: LoadedRule): PackLabels | undefined {
  return PACK_LABELS.get(rule);
}

/** One line, no hidden or control characters, bounded; undefined when nothing is left. */
export function cleanLabel(s: unknown): string | undefined {
  if (typeof s !== 'string') return undefined;
  const t = cleanText(s, { maxLength: MAX_LABEL_LENGTH });
  return t === '' ? undefined : t;
}

/** id → name, in order of trust: first one wins. */
export interface LabelIndex {
  names: ReadonlyMap<string, string>;
}

interface RuleLike {
  rule: LoadedRule;
  /** from a hand-written pack; rules without it count as hand-written */
  curated?: boolean;
}

/**
 * Builds the index over every loaded rule and every pack's labels.yaml. Words a
 * person wrote come first, as for findings: hand-written rules' names, then the
 * packs' lists of common apps, then generated packs' names (app-store titles).
 * Among equals, the first pack loaded wins.
 */
export function buildLabelIndex(rules: Iterable<RuleLike>): LabelIndex {
  const list = [...rules];
  const names = new Map<string, string>();
  const add = (entries: Readonly<Record<string, string>> | undefined) => {
    for (const [id, name] of Object.entries(entries ?? {})) {
      const clean = cleanLabel(name);
      if (clean && !names.has(id)) names.set(id, clean);
    }
  };
  for (const { rule, curated } of list) if (curated ?? true) add(rule.labels);
  const seen = new Set<PackLabels>();
  for (const { rule } of list) {
    const p = packLabelsOf(rule);
    if (!p || seen.has(p)) continue;
    seen.add(p);
    add(p.labels);
  }
  for (const { rule, curated } of list) if (!(curated ?? true)) add(rule.labels);
  return { names };
}

const CACHE = new WeakMap<object, LabelIndex>();

/** The index for one compiled rule set, built once. */
export function labelIndexFor(compiled: { rules: readonly RuleLike[] }): LabelIndex {
  let index = CACHE.get(compiled);
  if (!index) {
    index = buildLabelIndex(compiled.rules);
    CACHE.set(compiled, index);
  }
  return index;
}

/**
 * Whether the app is what its id says: it came with the phone or from an app
 * store, and nothing says the store claim is false. Only such an app borrows a
 * name from a pack.
 */
export function mayBorrowName(app: AndroidApp | IosApp, platform: 'android' | 'ios'): boolean {
  if (platform === 'ios') {
    const a = app as IosApp;
    if (a.spoofedAppStoreSigner || a.appleLookalike) return false;
    // a jailbreak registers its own apps as part of iOS: only App Store apps borrow a name
    return a.signer?.class === 'app-store';
  }
  const a = app as AndroidApp;
  if (a.falseStoreClaim || a.installedFromComputer) return false;
  if (a.system === true) return true;
  return (
    a.installerClass === 'store' ||
    a.installerClass === 'other-store' ||
    a.installerClass === 'preinstalled'
  );
}

/**
 * A name for an app the phone gave no name for, from any loaded pack; only for an
 * app that is what its id says.
 */
export function borrowedName(
  index: LabelIndex,
  app: AndroidApp | IosApp,
  platform: 'android' | 'ios',
): string | undefined {
  if (!mayBorrowName(app, platform)) return undefined;
  return index.names.get(app.id);
}
