/**
 * A realistic hand-made scan result for report tests and the docs/sample
 * renders: one known spyware app, one hidden accessibility app, a location
 * sharing app, a posture issue, two checks that could not run, and one app
 * with a hostile label.
 */
import { createHash } from 'node:crypto';
import type { FindingsDoc, MatchReason } from '../../model/findings.js';
import type { AndroidApp, AndroidSnapshot } from '../../model/snapshot.js';
import type { RawRecord } from '../../model/raw.js';

export const HOSTILE_LABEL =
  '\u202Egpj.exe\x1b[2J\x1b]8;;https://evil.example/\x07System <script>alert(1)</script>\x00' +
  'Service\u200b';

const perm = (name: string, granted = true) => ({ name: `android.permission.${name}`, granted });

function app(id: string, label: string | undefined, extra: Partial<AndroidApp> = {}): AndroidApp {
  return {
    id,
    label,
    installerClass: 'sideloaded',
    system: false,
    updatedSystem: false,
    apkPaths: [`/data/app/${id}-1/base.apk`],
    permissions: { requested: [], install: [], runtime: [] },
    launcher: 'visible',
    ...extra,
  };
}

export function sampleRaw(): { record: RawRecord; data: Buffer }[] {
  const outputs: [string, string, string][] = [
    ['getprop', 'getprop', '[ro.product.model]: [SM-A515F]\n[ro.build.version.release]: [13]\n'],
    ['pm.list', 'pm list packages -f -i -U -u', 'package:/data/app/com.wifi.syncservice-1/base.apk=com.wifi.syncservice uid:10231 installer=null\n'],
    ['dumpsys.package', 'dumpsys package packages', 'Packages:\n  Package [com.wifi.syncservice] (5d2c1a0):\n    userId=10231\n'],
    ['settings.secure', 'settings list secure', 'enabled_accessibility_services=com.android.battery.helper/.Svc\n'],
  ];
  return outputs.map(([id, command, text], i) => {
    const data = Buffer.from(text, 'utf8');
    return {
      record: {
        id,
        command,
        file: `${String(i + 1).padStart(2, '0')}-${id}.txt`,
        time: `2025-03-04T14:05:${String(10 + i).padStart(2, '0')}.000Z`,
        durationMs: 120 + i,
        bytes: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
      },
      data,
    };
  });
}

export function sampleSnapshot(overrides: Partial<AndroidSnapshot> = {}): AndroidSnapshot {
  const raw = sampleRaw().map((r) => r.record);
  return {
    schema: 1,
    platform: 'android',
    tool: { name: 'spycheck', version: '0.1.0' },
    started: '2025-03-04T14:05:09.000Z',
    finished: '2025-03-04T14:06:31.000Z',
    complete: true,
    device: {
      serial: 'R58M40ABCDE',
      manufacturer: 'samsung',
      brand: 'samsung',
      model: 'SM-A515F',
      device: 'a51',
      androidVersion: '13',
      sdk: 33,
      securityPatch: '2024-11-01',
      fingerprint: 'samsung/a51nsxx/a51:13/TP1A.220624.014/A515FXXU8HWK1:user/release-keys',
      buildType: 'user',
      buildTags: 'release-keys',
    },
    props: {},
    apps: [
      app('com.wifi.syncservice', 'Wi-Fi Sync', {
        launcher: 'hidden',
        permissions: {
          requested: [],
          install: [],
          runtime: [
            perm('ACCESS_FINE_LOCATION'),
            perm('ACCESS_BACKGROUND_LOCATION'),
            perm('READ_SMS'),
            perm('READ_CALL_LOG'),
            perm('RECORD_AUDIO'),
            perm('READ_MEDIA_IMAGES'),
            perm('CAMERA', false),
          ],
        },
      }),
      app('com.android.battery.helper', 'Battery Helper', { launcher: 'hidden' }),
      app('com.life360.android.safetymapd', 'Life360', {
        installerClass: 'store',
        installer: 'com.android.vending',
        permissions: {
          requested: [],
          install: [],
          runtime: [perm('ACCESS_FINE_LOCATION'), perm('ACCESS_BACKGROUND_LOCATION')],
        },
      }),
      app('com.evil.label', HOSTILE_LABEL),
    ],
    accessibilityServices: [
      {
        package: 'com.android.battery.helper',
        component: 'com.android.battery.helper.Svc',
        raw: 'com.android.battery.helper/.Svc',
      },
    ],
    notificationListeners: [
      {
        package: 'com.wifi.syncservice',
        component: 'com.wifi.syncservice.N',
        raw: 'com.wifi.syncservice/.N',
      },
    ],
    deviceAdmins: [],
    profileOwners: [],
    accounts: [{ type: 'com.google', name: 'someone@example.com' }],
    settings: { secure: {}, global: { adb_enabled: '1' }, system: {} },
    appOps: {},
    batteryOptimisationExempt: ['com.wifi.syncservice'],
    root: { suPaths: [], rootPackages: [] },
    checks: [
      { id: 'apps', title: 'Installed apps', status: 'ok' },
      { id: 'permissions', title: 'What each app is allowed to do', status: 'ok' },
      { id: 'accessibility', title: 'Apps that can read the screen', status: 'ok' },
      {
        id: 'certs',
        title: 'Who made each app (signing certificates)',
        status: 'not-checked',
        reason: 'The phone did not let us copy the app files.',
      },
      {
        id: 'adb-keys',
        title: 'Computers this phone trusts',
        status: 'not-checked',
        reason: 'This version of Android does not show this over USB.',
      },
    ],
    warnings: ['dumpsys accessibility: 1 line not understood'],
    parsers: [],
    raw,
    ...overrides,
  };
}

function reason(
  rule: string,
  severity: MatchReason['severity'],
  matcher: string,
  value: string,
): MatchReason {
  return {
    rule,
    pack: 'spycheck-core',
    packVersion: '2025.03.1',
    severity,
    title: rule,
    matcher,
    value,
  };
}

export function sampleFindings(): FindingsDoc {
  return {
    schema: 1,
    summary: { high: 2, medium: 1, low: 2, info: 0 },
    incomplete: false,
    findings: [
      {
        id: 'F1',
        rule: 'stalkerware.thetruthspy',
        severity: 'high',
        category: 'stalkerware',
        title: 'Known spyware: TheTruthSpy',
        subject: { type: 'app', id: 'com.wifi.syncservice', label: 'Wi-Fi Sync' },
        evidence: {
          reasons: [
            reason('stalkerware.thetruthspy', 'high', 'package', 'com.wifi.syncservice'),
            reason('behaviour.hidden-icon', 'medium', 'launcher', 'hidden'),
          ],
          installer: null,
        },
        explanation: {
          what: 'This app is TheTruthSpy, a spying app sold to watch another person in secret. It hides its icon and calls itself "Wi-Fi Sync".',
          risk: 'The person who installed it can see your messages, calls, location and photos, and may be able to listen through the microphone.',
          next_steps:
            'Keep the phone as it is for now. Talk to your caseworker about a safety plan and whether to report this to the police.',
        },
      },
      {
        id: 'F2',
        rule: 'behaviour.hidden-accessibility',
        severity: 'high',
        category: 'behaviour',
        title: 'A hidden app can read everything on the screen',
        subject: { type: 'app', id: 'com.android.battery.helper', label: 'Battery Helper' },
        evidence: {
          reasons: [
            reason(
              'behaviour.hidden-accessibility',
              'high',
              'accessibility_service',
              'com.android.battery.helper/.Svc',
            ),
          ],
        },
        explanation: {
          what: 'An app with no icon has been given "accessibility" access. This access is meant for people who need help using the phone.',
          risk: 'With it, an app can read everything on the screen, including messages, and see what you type.',
          next_steps:
            'Think about whether you or someone you trust set this up. Do not switch it off until you have a safety plan.',
        },
      },
      {
        id: 'F3',
        rule: 'location.life360',
        severity: 'medium',
        category: 'location-sharing',
        title: 'Location sharing app: Life360',
        subject: { type: 'app', id: 'com.life360.android.safetymapd', label: 'Life360' },
        evidence: {
          reasons: [
            reason('location.life360', 'medium', 'package', 'com.life360.android.safetymapd'),
          ],
        },
        explanation: {
          what: 'Life360 shares where the phone is with the people in a "circle".',
          risk: 'Everyone in the circle can see where you are and where you have been.',
          next_steps: 'Open Life360 with your caseworker and check who is in each circle.',
        },
      },
      {
        id: 'F4',
        rule: 'posture.usb-debugging',
        severity: 'low',
        category: 'device-posture',
        title: 'USB debugging is switched on',
        subject: { type: 'device', id: 'R58M40ABCDE' },
        evidence: { reasons: [reason('posture.usb-debugging', 'low', 'setting', 'adb_enabled=1')] },
        explanation: {
          what: 'USB debugging lets a computer control the phone through a cable. It was needed for this check.',
          risk: 'Someone with the phone and a trusted computer could install apps without you seeing.',
          next_steps: 'Switch it off after this check (see "After the check").',
        },
      },
      {
        id: 'F5',
        rule: 'behaviour.unknown-source',
        severity: 'low',
        category: 'behaviour',
        title: 'An app installed from outside an app store',
        subject: { type: 'app', id: 'com.evil.label', label: HOSTILE_LABEL },
        evidence: {
          reasons: [reason('behaviour.unknown-source', 'low', 'installer', HOSTILE_LABEL)],
        },
        explanation: {
          what: 'This app was installed from a file, not from an app store.',
          risk: 'Apps from outside a store are not checked by Google.',
          next_steps: 'Check whether you know this app.',
        },
      },
    ],
  };
}
