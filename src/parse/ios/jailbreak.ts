/**
 * Apps → signs of a jailbreak or TrollStore. Works on parsed apps (apps.ts),
 * so it sees what installation_proxy said and nothing more: a jailbreak that
 * hides its apps from the app list is not found here.
 */
import type {
  IosApp,
  IosJailbreakIndicator,
  IosJailbreakIndicators,
  IosJailbreakToolRole,
} from '../../model/iosSnapshot.js';
import type { ParseResult } from '../../model/parse.js';
import { quote, Warnings } from './values.js';

export const PARSER = { id: 'ios.jailbreak', version: 1 } as const;

export interface KnownTool {
  name: string;
  role: IosJailbreakToolRole;
}

const tool = (name: string, role: IosJailbreakToolRole): KnownTool => ({ name, role });

/** Bundle ids (lower case) of jailbreaks, their package managers, TrollStore and root tools. */
export const KNOWN_JAILBREAK_APPS: ReadonlyMap<string, KnownTool> = new Map([
  ['com.saurik.cydia', tool('Cydia', 'package-manager')],
  ['org.coolstar.sileostore', tool('Sileo', 'package-manager')],
  ['org.coolstar.sileo', tool('Sileo', 'package-manager')],
  ['org.coolstar.sileonightly', tool('Sileo (nightly)', 'package-manager')],
  ['xyz.willy.zebra', tool('Zebra', 'package-manager')],
  ['me.apptapp.installer', tool('Installer 5', 'package-manager')],
  ['com.apptapp.installer', tool('Installer 5', 'package-manager')],
  ['com.opa334.dopamine', tool('Dopamine', 'jailbreak')],
  ['com.opa334.jailbreak', tool('Dopamine', 'jailbreak')],
  ['com.samiiau.loader', tool('palera1n', 'jailbreak')],
  ['com.llsc12.palera1nloader', tool('palera1n', 'jailbreak')],
  ['science.xnu.undecimus', tool('unc0ver', 'jailbreak')],
  ['kjc.loader', tool('checkra1n', 'jailbreak')],
  ['org.coolstar.electra', tool('Electra', 'jailbreak')],
  ['org.coolstar.chimera', tool('Chimera', 'jailbreak')],
  ['org.coolstar.odyssey', tool('Odyssey', 'jailbreak')],
  ['org.coolstar.taurine', tool('Taurine', 'jailbreak')],
  ['com.opa334.dopamine-roothide', tool('Dopamine (roothide)', 'jailbreak')],
  ['com.opa334.trollstore', tool('TrollStore', 'trollstore')],
  ['com.opa334.trollstorelite', tool('TrollStore Lite', 'trollstore')],
  ['com.opa334.trollstorepersistencehelper', tool('TrollStore helper', 'trollstore')],
  ['com.tigisoftware.filza', tool('Filza', 'file-manager')],
  ['com.tigisoftware.filzaescaped', tool('Filza Escaped', 'file-manager')],
  ['ws.hbang.terminal', tool('NewTerm', 'terminal')],
  ['com.officialscheduler.mterminal', tool('MTerminal', 'terminal')],
]);

/**
 * The known tool an app id names. A copy signed for sideloading often carries
 * its signer's team id as a last part (com.opa334.Dopamine.726YNLRKV9).
 */
export function knownTool(id: string): KnownTool | undefined {
  const lower = id.toLowerCase();
  const exact = KNOWN_JAILBREAK_APPS.get(lower);
  if (exact) return exact;
  const m = /^(.+)\.[a-z0-9]{10}$/.exec(lower);
  return m && /\d/.test(lower.slice(-10)) ? KNOWN_JAILBREAK_APPS.get(m[1]!) : undefined;
}

/** A rootless jailbreak's apps: /var/jb/Applications (a link into /private/preboot/…/jb-…/procursus). */
const JAILBREAK_PATH = /^\/(?:private\/)?var\/jb\/|\/jb-[^/]+\/procursus\//;

/** Where iOS's own apps live (system volume, cryptexes since iOS 16, staged system apps). */
const SYSTEM_PLACES = [
  '/Applications/',
  '/System/',
  '/private/var/staged_system_apps/',
  '/var/staged_system_apps/',
  '/private/preboot/Cryptexes/',
  '/Developer/',
];

export function findJailbreakIndicators(
  apps: readonly IosApp[] | undefined,
): ParseResult<IosJailbreakIndicators> {
  const w = new Warnings();
  const indicators: IosJailbreakIndicator[] = [];
  if (apps === undefined || !Array.isArray(apps as unknown)) {
    w.add('No app list: jailbreak and TrollStore apps could not be looked for');
    return {
      parsed: { jailbreak: false, trollStore: false, indicators, appsChecked: false },
      warnings: w.done(),
    };
  }
  let jailbreak = false;
  let trollStore = false;
  for (const app of apps) {
    const known = knownTool(app.id);
    if (known) {
      indicators.push({ kind: 'known-app', appId: app.id, tool: known, strength: 'strong' });
      if (known.role === 'trollstore') trollStore = true;
      else jailbreak = true;
    }
    const path = app.path;
    const inJailbreak = path !== undefined && JAILBREAK_PATH.test(path);
    if (inJailbreak) {
      indicators.push({ kind: 'jailbreak-path', appId: app.id, strength: 'strong' });
      jailbreak = true;
    }
    if (
      app.type === 'User' &&
      app.entitlements.notable.some(
        (e) => e === 'platform-application' || e === 'com.apple.private.security.no-sandbox',
      )
    ) {
      indicators.push({ kind: 'privileged-user-app', appId: app.id, strength: 'strong' });
    }
    if (app.spoofedAppStoreSigner) trollStore = true;
    if (
      app.system &&
      path !== undefined &&
      !inJailbreak &&
      !SYSTEM_PLACES.some((p) => path.startsWith(p))
    ) {
      indicators.push({ kind: 'system-app-outside-system', appId: app.id, strength: 'supporting' });
    }
  }
  if (indicators.some((i) => i.kind === 'privileged-user-app') && !jailbreak && !trollStore)
    w.add(
      `Apps with iOS's own entitlements but no known installer: ${indicators
        .filter((i) => i.kind === 'privileged-user-app')
        .map((i) => quote(i.appId))
        .slice(0, 5)
        .join(', ')}`,
    );
  return {
    parsed: { jailbreak, trollStore, indicators, appsChecked: true },
    warnings: w.done(),
  };
}
