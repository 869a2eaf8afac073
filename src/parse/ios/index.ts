/**
 * Every iOS parser, listed once. The snapshot records IOS_PARSERS so a
 * bundle says which parser versions read it.
 */
import type { ParserInfo } from '../../model/parse.js';
import * as apps from './apps.js';
import * as cloudConfig from './cloudConfig.js';
import * as iconState from './iconState.js';
import * as jailbreak from './jailbreak.js';
import * as lockdownValues from './lockdownValues.js';
import * as profiles from './profiles.js';
import * as provisioning from './provisioning.js';

export { apps, cloudConfig, iconState, jailbreak, lockdownValues, profiles, provisioning };

const MODULES = [apps, cloudConfig, iconState, jailbreak, lockdownValues, profiles, provisioning];

function register(list: readonly { PARSER: ParserInfo }[]): readonly ParserInfo[] {
  const seen = new Set<string>();
  for (const m of list) {
    if (seen.has(m.PARSER.id)) throw new Error(`Parser ${m.PARSER.id} is registered twice`);
    seen.add(m.PARSER.id);
  }
  return Object.freeze(
    list.map((m) => Object.freeze({ id: m.PARSER.id, version: m.PARSER.version })),
  );
}

export const IOS_PARSERS: readonly ParserInfo[] = register(MODULES);
