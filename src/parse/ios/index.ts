/**
 * Every iOS parser, listed once. The snapshot records IOS_PARSERS so a
 * bundle says which parser versions read it.
 */
import type { ParserInfo } from '../../model/parse.js';
import { registerParsers } from '../registry.js';
import * as apps from './apps.js';
import * as cloudConfig from './cloudConfig.js';
import * as iconState from './iconState.js';
import * as jailbreak from './jailbreak.js';
import * as lockdownValues from './lockdownValues.js';
import * as profiles from './profiles.js';
import * as provisioning from './provisioning.js';

export { apps, cloudConfig, iconState, jailbreak, lockdownValues, profiles, provisioning };

const MODULES = [apps, cloudConfig, iconState, jailbreak, lockdownValues, profiles, provisioning];

export const IOS_PARSERS: readonly ParserInfo[] = registerParsers(MODULES);
