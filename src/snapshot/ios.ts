/**
 * What an iPhone read gave → the iOS Snapshot. Pure: the door's answers go
 * through the iOS parsers, and each step that was not read becomes a check
 * that says why, in plain words. Nothing that was not read comes out as
 * "no" (passcode, supervision, apps, profiles stay unknown or unchecked).
 */
import type { CheckCause, CheckStatus } from '../model/check.js';
import type { IosProblem, IosProblemKind, IosReading, IosStep } from '../model/iosReading.js';
import type { IosSnapshot } from '../model/snapshot.js';
import { SNAPSHOT_SCHEMA } from '../model/snapshot.js';
import { interpretIosReading } from '../parse/ios/interpret.js';
import { iosClock } from './clock.js';

/** The checks an iPhone scan reports, with the steps each needs (all of them). */
export const IOS_CHECKS: Record<string, { title: string; steps: IosStep[] }> = {
  'device-values': {
    title: 'Basic facts about the iPhone (model, iOS version, passcode, Find My, supervision)',
    steps: ['public-values', 'session-values'],
  },
  apps: {
    title: 'The list of apps, and who signed each one (App Store, a company or a developer)',
    steps: ['apps'],
  },
  profiles: {
    title: 'Configuration profiles and device management',
    steps: ['profiles'],
  },
  'home-screen': {
    title: 'Which apps have an icon on the home screen',
    steps: ['icon-state'],
  },
};

/** Values a scan must have to judge the phone, in plain words. */
const KEY_VALUES = [
  ['whether a passcode is set', 'passcodeSet'],
  ['whether it is supervised', 'supervised'],
] as const;

const CAUSE: Record<IosProblemKind, CheckCause> = {
  'not-paired': 'not-trusted',
  'pairing-refused': 'not-trusted',
  locked: 'locked',
  'usbmuxd-missing': 'no-answer',
  'service-missing': 'unsupported',
  lost: 'disconnected',
  failed: 'failed',
};

export function assembleIosSnapshot(
  reading: IosReading,
  tool: { name: string; version: string },
): IosSnapshot {
  const problems = new Map<IosStep, IosProblem>();
  for (const p of reading.problems) if (!problems.has(p.step)) problems.set(p.step, p);
  const read = (step: IosStep) => !problems.has(step);

  const details = interpretIosReading({
    publicValues: read('public-values') ? reading.values.public : undefined,
    ...(read('session-values')
      ? { session: { values: reading.values.session, missing: reading.values.missing } }
      : {}),
    ...(read('apps') ? { apps: reading.apps } : {}),
    ...(read('icon-state') && reading.iconState !== undefined
      ? { iconState: reading.iconState }
      : {}),
    ...(read('profiles')
      ? {
          profileList: reading.profiles,
          cloudConfiguration: reading.cloudConfiguration,
        }
      : {}),
  });

  const checks: CheckStatus[] = [];
  for (const [id, def] of Object.entries(IOS_CHECKS)) {
    const failing = def.steps.filter((s) => problems.has(s));
    if (failing.length === 0) {
      checks.push({ id, title: def.title, status: 'ok' });
      continue;
    }
    const p = problems.get(failing[0]!)!;
    // the model and iOS version come without a session: a locked phone still gives them
    const status = failing.length < def.steps.length ? 'partial' : 'not-checked';
    checks.push({
      id,
      title: def.title,
      status,
      reason: p.message,
      cause: CAUSE[p.kind],
    });
  }
  // a read that "worked" but gave nothing usable must never look like a clean phone
  const appsCheck = checks.find((c) => c.id === 'apps');
  if (appsCheck?.status === 'ok') {
    const apps = details.apps ?? [];
    if (apps.length === 0) {
      Object.assign(appsCheck, {
        status: 'not-checked',
        reason: 'the iPhone answered with an empty app list (every iPhone has apps)',
        cause: 'empty',
      });
    } else if (!apps.some((a) => a.system)) {
      Object.assign(appsCheck, {
        status: 'partial',
        reason: 'the app list holds none of the apps that come with iOS, so it may be cut short',
        cause: 'garbled',
      });
    }
  }
  const valuesCheck = checks.find((c) => c.id === 'device-values');
  const unread = KEY_VALUES.filter(
    ([, field]) => read('session-values') && details.device[field] === 'unknown',
  ).map(([words]) => words);
  if (valuesCheck?.status === 'ok' && unread.length > 0) {
    Object.assign(valuesCheck, {
      status: 'partial',
      reason: `the iPhone did not say ${unread.join(' or ')}`,
      cause: 'failed',
    });
  }
  const udid = details.device.udid || reading.udid;
  const model = details.device.marketingName ?? details.device.productType;
  const warnings = [...details.warnings];
  // the phone's clock against this computer's, from the session values (an evidence detail)
  const clock = iosClock(reading);
  warnings.push(...clock.warnings);
  for (const r of reading.raw) if (r.cutShort) warnings.push(r.cutShort);

  return {
    schema: SNAPSHOT_SCHEMA,
    platform: 'ios',
    tool,
    started: reading.started,
    finished: reading.finished,
    complete: reading.complete,
    device: {
      ...details.device,
      udid,
      serial: udid,
      manufacturer: 'Apple',
      ...(model ? { model } : {}),
    },
    apps: details.apps ?? [],
    homeScreenRead: details.homeScreenRead,
    profiles: details.profiles ?? [],
    ...(details.cloudConfiguration ? { cloudConfiguration: details.cloudConfiguration } : {}),
    jailbreak: details.jailbreak,
    ...(clock.clock ? { clock: clock.clock } : {}),
    checks,
    warnings,
    parsers: details.parsers,
    raw: reading.raw.map((r) => r.record),
  };
}
