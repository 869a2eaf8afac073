/**
 * Every Android output parser, listed once. The snapshot records
 * ANDROID_PARSERS so a bundle says which parser versions read it.
 */
import type { ParserInfo } from '../../model/parse.js';
import { registerParsers } from '../registry.js';
import * as activityResolver from './activityResolver.js';
import * as appops from './appops.js';
import * as appopsDump from './appopsDump.js';
import * as batteryHistory from './batteryHistory.js';
import * as bluetooth from './bluetooth.js';
import * as companion from './companion.js';
import * as components from './components.js';
import * as connectivity from './connectivity.js';
import * as date from './date.js';
import * as deviceIdle from './deviceIdle.js';
import * as dumpsysAccessibility from './dumpsysAccessibility.js';
import * as dumpsysAccount from './dumpsysAccount.js';
import * as dumpsysAdb from './dumpsysAdb.js';
import * as dumpsysDevicePolicy from './dumpsysDevicePolicy.js';
import * as dumpsysPackage from './dumpsysPackage.js';
import * as getprop from './getprop.js';
import * as launcherActivities from './launcherActivities.js';
import * as linkedSettings from './linkedSettings.js';
import * as lockSettings from './lockSettings.js';
import * as netstats from './netstats.js';
import * as pmList from './pmList.js';
import * as roles from './roles.js';
import * as settings from './settings.js';
import * as sha256sum from './sha256sum.js';
import * as shellError from './shellError.js';
import * as users from './users.js';
import * as whichSu from './whichSu.js';

// Each module as a namespace (every one exports its own PARSER).
export {
  activityResolver,
  appops,
  appopsDump,
  batteryHistory,
  bluetooth,
  companion,
  components,
  connectivity,
  date,
  deviceIdle,
  dumpsysAccessibility,
  dumpsysAccount,
  dumpsysAdb,
  dumpsysDevicePolicy,
  dumpsysPackage,
  getprop,
  launcherActivities,
  linkedSettings,
  lockSettings,
  netstats,
  pmList,
  roles,
  settings,
  sha256sum,
  shellError,
  users,
  whichSu,
};

const MODULES = [
  activityResolver,
  appops,
  appopsDump,
  batteryHistory,
  bluetooth,
  companion,
  components,
  connectivity,
  date,
  deviceIdle,
  dumpsysAccessibility,
  dumpsysAccount,
  dumpsysAdb,
  dumpsysDevicePolicy,
  dumpsysPackage,
  getprop,
  launcherActivities,
  linkedSettings,
  lockSettings,
  netstats,
  pmList,
  roles,
  settings,
  sha256sum,
  shellError,
  users,
  whichSu,
];

export const ANDROID_PARSERS: readonly ParserInfo[] = registerParsers(MODULES);
