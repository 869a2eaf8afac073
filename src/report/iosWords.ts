/**
 * The words an iPhone report needs that an Android one does not: where an
 * app came from (who signed it), what it is built to do in the background,
 * the checks a USB scan cannot do on an iPhone (Safety Check and the
 * settings only the person holding the phone can open), and what to do after
 * the scan. Plain UK English; facts only as the phone gave them.
 */
import type { IosApp, IosFlag } from '../model/iosSnapshot.js';
import type { IosSnapshot } from '../model/snapshot.js';
import { cleanText } from '../util/sanitize.js';

/** An iPhone scan sees what an app is made to ask for, never what it was allowed. */
export const IOS_BUILT_TO_HEADING =
  'It is built to (an iPhone scan cannot see what it was allowed)';

/** Category names that read differently on an iPhone. */
export const IOS_CATEGORY_LABEL: Partial<Record<string, string>> = {
  // TrollStore gets round Apple's checks without a jailbreak: one label fits both
  'root-jailbreak': 'Apple\u2019s protections got round (a jailbreak or TrollStore)',
  'remote-access': 'Someone else may be able to manage this iPhone',
};

/** Where an iPhone app came from, in plain words, from who signed it. */
export function iosOriginText(app: IosApp, jailbreakSigns: readonly string[] = []): string {
  if (app.spoofedAppStoreSigner) {
    const reasons = app.spoofedAppStoreSigner.reasons;
    const why = [
      reasons.includes('no-purchase-record') ? 'no Apple Account bought it' : '',
      reasons.includes('ad-hoc-signed') ? 'it is signed in a way the App Store never uses' : '',
      reasons.includes('apple-organisation') ? 'it claims to be made by Apple' : '',
      reasons.includes('platform-application') || reasons.includes('no-sandbox')
        ? 'it has powers App Store apps never get'
        : '',
    ].filter(Boolean);
    return (
      `It says it came from the App Store, but it cannot have${why.length ? `: ${why.join(', and ')}` : ''}. ` +
      'Apps put on an iPhone with a tool that gets round Apple\u2019s checks (such as TrollStore) ' +
      'look like this.'
    );
  }
  const who = cleanText(app.signer.organization ?? app.signer.identity ?? '', { maxLength: 120 });
  switch (app.signer.class) {
    case 'app-store':
      return 'It was installed from the App Store.';
    case 'testflight':
      return 'It is a test version installed through Apple\u2019s TestFlight app.';
    case 'enterprise':
      return (
        `It was not installed from the App Store. It was signed by a company${who ? ` (${who})` : ''}, ` +
        'which lets it be put on an iPhone directly. Usually someone has to allow that company ' +
        'in Settings first, unless a device-management profile installed it.'
      );
    case 'developer':
      return (
        `It was not installed from the App Store. It is a developer\u2019s own build${who ? ` (${who})` : ''}, ` +
        'put on the iPhone from a computer.'
      );
    case 'system':
      // a jailbreak or TrollStore registers its own apps as part of iOS
      return jailbreakSigns.length > 0
        ? 'It says it is part of iOS, but it is not: it was put on the iPhone by a jailbreak or ' +
            'TrollStore, which register their apps that way.'
        : 'It is part of iOS.';
    default:
      return (
        'It did not come from the App Store as far as we can tell, and we could not tell who ' +
        'signed it.'
      );
  }
}

const BACKGROUND_WORDS: Record<string, string> = {
  location: 'use your location while it is not open',
  audio: 'play or record sound while it is not open',
  voip: 'stay ready for calls in the background',
  'remote-notification': 'wake up when it gets a message from its server',
  fetch: 'fetch data in the background',
  processing: 'do work in the background',
  'bluetooth-central': 'use Bluetooth in the background',
};

const USAGE_WORDS: Record<string, string> = {
  NSLocationAlwaysAndWhenInUseUsageDescription: 'ask for your location at all times',
  NSLocationAlwaysUsageDescription: 'ask for your location at all times',
  NSMicrophoneUsageDescription: 'ask to use the microphone',
  NSCameraUsageDescription: 'ask to use the camera',
  NSContactsUsageDescription: 'ask to see your contacts',
  NSPhotoLibraryUsageDescription: 'ask to see your photos',
};

/**
 * What an iPhone app is built to do. A USB scan cannot see which permissions
 * were given on an iPhone, so these are what the app is made to ask for.
 */
export function iosBuiltTo(app: IosApp): string[] {
  const out: string[] = [];
  for (const m of app.backgroundModes ?? []) {
    const w = BACKGROUND_WORDS[m];
    if (w && !out.includes(w)) out.push(w);
  }
  for (const u of app.usageDescriptions ?? []) {
    const w = USAGE_WORDS[u];
    if (w && !out.includes(w)) out.push(w);
  }
  return out;
}

/** Checks only the person holding the iPhone can do: a USB scan cannot see them. */
export const IOS_CANNOT_SEE: readonly { title: string; detail: string }[] = [
  {
    title: 'Safety Check (iOS 16 and later)',
    detail:
      'Settings, then Privacy & Security, then Safety Check, then "Manage Sharing & Access" ' +
      'shows who you share your location and other information with, and which devices are ' +
      'signed in to your Apple Account. Look through it first without changing anything: ' +
      'stopping sharing may be noticed. Do not tap "Emergency Reset" unless it is part of your ' +
      'safety plan: it stops all sharing at once, and the other person may notice.',
  },
  {
    title: 'Location sharing in Find My',
    detail:
      'Open the Find My app and tap People to see who can see where you are. Sharing in ' +
      'Messages, Maps and other apps is listed in Safety Check too.',
  },
  {
    title: 'Family Sharing and Screen Time',
    detail:
      'Settings, then your name, then Family. The organiser of a family group can see ' +
      'purchases and, if it is turned on, your location. If this iPhone is set up as a ' +
      'child\u2019s in the group, the organiser can also use Screen Time to see and limit what ' +
      'it does.',
  },
  {
    title: 'Apple Account and its devices',
    detail:
      'Settings, then your name (called Apple ID before iOS 18): the list at the bottom shows ' +
      'every device signed in to your account. Someone who knows the password can see your ' +
      'iCloud photos, messages and backups from any of them. "Sign-In & Security" shows the ' +
      'phone numbers that can receive its codes.',
  },
  {
    title: 'VPN and Device Management',
    detail:
      'Settings, then General, then "VPN & Device Management" lists profiles and management ' +
      'that can change settings or route your internet traffic. A USB scan can list profiles ' +
      'but cannot see everything a profile does.',
  },
  {
    title: 'Messages sent on to other devices',
    detail:
      'Settings, then Apps (or Messages), then Messages, then "Text Message Forwarding" lists ' +
      'other devices that get copies of your text messages.',
  },
  {
    title: 'Trackers such as AirTags',
    detail:
      'Small trackers hidden in a bag, coat or car cannot be found by checking the phone. An ' +
      'iPhone warns about an unknown AirTag travelling with you; in the Find My app, Items ' +
      'shows "Identify Found Item".',
  },
  {
    title: 'Cloud backups',
    detail:
      'Photos, messages and files backed up to iCloud, WhatsApp backup or similar can be read ' +
      'by anyone who can sign in to that account.',
  },
  {
    title: 'Smart-home devices and their accounts',
    detail:
      'Smart speakers, cameras, doorbells, heating and lights can be watched or controlled ' +
      'through someone else\u2019s account (the Home app lists the people in a home).',
  },
  {
    title: 'Other phones, tablets and computers',
    detail: 'We only checked this phone. Other devices you use may need checking too.',
  },
];

export const IOS_AFTER_SCAN: readonly string[] = [
  'Unplug the iPhone from this computer.',
  'This computer stays trusted by the iPhone. To make the iPhone forget it, go to Settings, ' +
    'then General, then "Transfer or Reset iPhone", then Reset, then "Reset Location & Privacy". ' +
    'Talk to your support worker first: this makes the iPhone forget every computer it trusted ' +
    '(which may include the other person\u2019s), and makes every app ask again before it uses ' +
    'your location, camera, microphone, photos or contacts. A location-sharing app may stop, ' +
    'and the other person may notice.',
];

const yesNo = (v: IosFlag | undefined): string | undefined =>
  v === true ? 'yes' : v === false ? 'no' : v === 'unknown' ? 'not read' : undefined;

/** Rows for the evidence section's scan table. */
export function iosDeviceRows(s: IosSnapshot): Array<[string, unknown]> {
  const d = s.device;
  const read = (id: string) =>
    (Array.isArray(s.checks) ? s.checks : []).find((c) => c?.id === id)?.status !== 'not-checked';
  const cloud = read('profiles') ? s.cloudConfiguration : undefined;
  return [
    ['UDID', d.udid],
    ['Serial number', d.serialNumber],
    ['Manufacturer', d.manufacturer],
    ['Model', d.model],
    ['Product type', d.productType],
    ['Hardware model', d.hardwareModel],
    ['Name on the phone', d.deviceName],
    ['iOS version', d.iosVersion],
    ['iOS build', d.build],
    ['Passcode set', yesNo(d.passcodeSet)],
    ['Supervised', yesNo(d.supervised)],
    ['Find My on', yesNo(d.findMyAssociated)],
    ['Computer backups encrypted', yesNo(d.backupEncryption)],
    ['Developer Mode', yesNo(d.developerMode)],
    ['Wi-Fi sync with a computer', yesNo(d.wifiSync)],
    ['Set up by an organisation', cloud ? (cloud.present ? 'yes' : 'no') : 'not read'],
    ['Organisation', cloud?.organisation],
    ['Management can be removed', cloud?.present ? yesNo(invert(cloud.mdmUnremovable)) : undefined],
    [
      'Configuration profiles',
      !read('profiles')
        ? 'not read'
        : s.profiles.length
          ? s.profiles
              .map(
                (p) =>
                  `${p.displayName ?? p.id} (${p.id}${p.organisation ? `, ${p.organisation}` : ''}${p.removalDisallowed === true ? ', cannot be removed' : ''})`,
              )
              .join('; ')
          : 'none listed',
    ],
    ['Apps listed', read('apps') ? String(s.apps.length) : 'not read'],
  ];
}

function invert(v: IosFlag): IosFlag {
  return v === 'unknown' ? v : !v;
}
