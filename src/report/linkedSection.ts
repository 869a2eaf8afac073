/**
 * The report's "Devices and networks linked to this phone" section and the "Smart home and
 * wearables" checklist (issue 14). Shown on every Android report, also when nothing is unusual,
 * so the reader sees what was read; a part that was not checked says so first. Plain words,
 * names and identifiers only: no addresses visited, no content.
 */
import type { FindingsDoc } from '../model/findings.js';
import {
  type CompanionAssociation,
  LINKED_DEVICE_KINDS,
  type LinkedDeviceKind,
  type LinkedState,
  type PairedDevice,
  PHONE_USER_KINDS,
  type PhoneUser,
  type PhoneUserKind,
} from '../model/linkedDevices.js';
import type { AndroidApp, AndroidSnapshot, IosSnapshot, Snapshot } from '../model/snapshot.js';
import { sizeWords } from '../util/bytes.js';
import { longDate } from '../util/dates.js';
import { cleanText } from '../util/sanitize.js';

export interface LinkedGroup {
  title: string;
  /** the part in a few words, for a line listing the parts with nothing unusual */
  short: string;
  lines: string[];
  /**
   * Worth showing in full even where space is short (the printed copy): something is set or
   * linked, an app is from outside a store or hidden, or the part was not checked
   */
  notable: boolean;
}

export interface LinkedSection {
  heading: string;
  intro: string;
  /** parts that could not be checked, said before anything else */
  notChecked: string[];
  groups: LinkedGroup[];
  safety: string;
}

export interface ChecklistSection {
  heading: string;
  intro: string;
  groups: { title: string; items: string[] }[];
  safety: string;
  /** the same in three short items, for the printed copy's "Things this check cannot see" */
  short: string[];
}

const LINKED_CHECKS = [
  'linked-devices',
  'network-interception',
  'keyboards',
  'roles',
  'users',
  'data-sent',
] as const;

const KIND_WORDS: Record<LinkedDeviceKind, string> = {
  watch: 'a watch',
  glasses: 'smart glasses',
  headphones: 'headphones or a speaker',
  car: 'a car',
  phone: 'a phone',
  computer: 'a computer',
  health: 'a health device',
  wearable: 'a wearable device',
  streaming: 'a device that can show this phone\u2019s apps',
  other: 'a device',
};

const USER_WORDS: Record<PhoneUserKind, string> = {
  owner: 'you (the main user)',
  secondary: 'another user',
  guest: 'a guest user',
  restricted: 'a restricted user',
  'work-profile': 'a work profile',
  'clone-profile': 'a profile for second copies of apps',
  'private-profile': 'a private space',
  'other-profile': 'a separate profile',
};

const ROLE_WORDS: Array<[string, string]> = [
  ['android.app.role.SMS', 'Text messages'],
  ['android.app.role.DIALER', 'Phone calls'],
  ['android.app.role.CALL_SCREENING', 'Call screening (sees who calls)'],
  ['android.app.role.CALL_REDIRECTION', 'Call redirection'],
  ['android.app.role.ASSISTANT', 'The assistant'],
];

const c = (s: unknown, max = 120) => cleanText(s, { maxLength: max });

/** "Secure Tunnel (net.securetunnel.vpn), installed from outside an app store" */
function appWords(
  id: string,
  apps: Map<string, AndroidApp>,
  names: Map<string, string>,
  withOrigin = true,
): string {
  const app = apps.get(id);
  const name = c(names.get(id) ?? app?.label ?? '');
  const shown = name && name !== id ? `${name} (${c(id, 200)})` : c(id, 200);
  if (!withOrigin || !app) return app ? shown : `${shown}, not on the app list`;
  const origin =
    app.installerClass === 'sideloaded'
      ? ', installed from outside an app store'
      : app.installerClass === 'other-store'
        ? ', from another app store'
        : app.installerClass === 'unknown'
          ? ', where it came from is not known'
          : '';
  const hidden = app.launcher === 'hidden' && !app.system ? ', no icon' : '';
  return `${shown}${origin}${hidden}`;
}

const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/**
 * "Sat Aug 17 18:22:51 BST 2024" (Java's Date as the phone prints it, in its own time zone) →
 * "17 August 2024": the day as the phone saw it. Anything else is shown as printed.
 */
export function phoneDate(text: unknown): string {
  const t = c(text, 60);
  const m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{1,2}) \d{2}:\d{2}:\d{2} \S+ (\d{4})$/.exec(t);
  const month = m ? MONTHS.indexOf(m[1]!) : -1;
  return m && month >= 0 ? longDate(m[3]!, month + 1, Number(m[2])) : t;
}

const deviceKind = (k: unknown): LinkedDeviceKind =>
  (LINKED_DEVICE_KINDS as readonly unknown[]).includes(k) ? (k as LinkedDeviceKind) : 'other';

/** A hand-edited or damaged snapshot must not crash the report: keep only well-formed parts. */
function tolerantLinked(v: unknown): LinkedState | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const arr = <T>(x: unknown) =>
    Array.isArray(x) ? (x.filter((i) => i && typeof i === 'object') as T[]) : undefined;
  const obj = <T>(x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? (x as T) : undefined;
  const vpn = obj<LinkedState['vpn']>(o.vpn);
  const roles = obj<Record<string, unknown>>(o.roleHolders);
  return {
    pairedDevices: arr<PairedDevice>(o.pairedDevices)?.map((d) =>
      d.kind === undefined ? d : { ...d, kind: deviceKind(d.kind) },
    ),
    bluetoothOff: o.bluetoothOff === true,
    companionAssociations: arr<CompanionAssociation>(o.companionAssociations)?.map((a) => ({
      ...a,
      kind: deviceKind(a.kind),
    })),
    vpn: vpn ? { ...vpn, active: arr(vpn.active) ?? [] } : undefined,
    privateDns: obj(o.privateDns),
    proxy: arr(o.proxy),
    // a kind a newer spycheck wrote is shown as the nearest this one knows
    users: arr<PhoneUser>(o.users)?.map((u) =>
      (PHONE_USER_KINDS as readonly string[]).includes(u.kind)
        ? u
        : { ...u, kind: 'other-profile' },
    ),
    keyboards: arr(o.keyboards),
    roleHolders: roles
      ? Object.fromEntries(
          Object.entries(roles).map(([k, x]) => [
            k,
            Array.isArray(x) ? x.filter((i): i is string => typeof i === 'string') : [],
          ]),
        )
      : undefined,
    bytesSent: arr<{ uid: number; package?: string; bytes: number }>(o.bytesSent)?.filter(
      (b) => typeof b.bytes === 'number',
    ),
  };
}

/** An app a reader need not look at twice here: from a store or the phone maker, with an icon. */
function ordinary(id: string | undefined, apps: Map<string, AndroidApp>): boolean {
  const a = id === undefined ? undefined : apps.get(id);
  if (!a) return false;
  const fromStoreOrMaker = a.installerClass === 'store' || a.installerClass === 'preinstalled';
  return fromStoreOrMaker && (a.launcher !== 'hidden' || a.system);
}

export function linkedSection(
  snapshot: Snapshot,
  findings: FindingsDoc,
): LinkedSection | undefined {
  if (snapshot.platform === 'ios') return iosLinkedSection(snapshot);
  if (snapshot.platform !== 'android') return undefined;
  const s = snapshot as AndroidSnapshot;
  const l = tolerantLinked(s.linked);
  const apps = new Map((Array.isArray(s.apps) ? s.apps : []).map((a) => [a?.id, a]));
  const names = new Map<string, string>();
  for (const f of findings.findings ?? []) {
    if (f.subject?.type === 'app' && f.subject.label) names.set(f.subject.id, f.subject.label);
  }
  const status = new Map((Array.isArray(s.checks) ? s.checks : []).map((x) => [x?.id, x]));
  const notChecked: string[] = [];
  const missing = new Set<string>();
  for (const id of LINKED_CHECKS) {
    const st = status.get(id);
    if (!l || !st) {
      missing.add(id);
      continue;
    }
    if (st.status === 'not-checked') missing.add(id);
    if (st.status !== 'ok') {
      const how = st.status === 'partial' ? 'Only partly checked' : 'Not checked';
      const why = c(st.reason, 400).replace(/^./, (x) => x.toUpperCase());
      notChecked.push(`${how}: ${c(st.title, 200)}.${why ? ` ${why.replace(/[.]?$/, '.')}` : ''}`);
    }
  }
  if (!l) {
    notChecked.unshift(
      'Not checked: this check was made before spycheck read linked devices and networks.',
    );
  }
  const NOT = 'Not checked (see above).';
  const groups: LinkedGroup[] = [];

  // paired and linked devices
  const dev: string[] = [];
  if (missing.has('linked-devices') || !l) dev.push(NOT);
  else {
    if (l.pairedDevices) {
      if (l.pairedDevices.length === 0) dev.push('No devices are paired over Bluetooth.');
      for (const d of l.pairedDevices.slice(0, 20)) {
        const kind = d.kind ? `, ${KIND_WORDS[d.kind]}` : '';
        dev.push(
          `Paired over Bluetooth: ${c(d.name) || 'a device with no name'}${kind} (${c(d.address, 40)}).`,
        );
      }
      if (l.pairedDevices.length > 20) {
        dev.push(
          `And ${l.pairedDevices.length - 20} more paired devices (see the evidence files).`,
        );
      }
    } else if (l.bluetoothOff) {
      dev.push('Bluetooth was off, so the phone did not list its paired devices.');
    }
    const assoc = l.companionAssociations ?? [];
    if (assoc.length === 0) dev.push('No app is linked to a watch or other nearby device.');
    for (const a of assoc.slice(0, 20)) {
      const device = c(a.displayName) || (a.address ? c(a.address, 40) : '');
      dev.push(
        `Linked to ${KIND_WORDS[a.kind]}${device ? ` (${device})` : ''} through the app ${appWords(a.package, apps, names)}${a.approved ? `, allowed on ${phoneDate(a.approved)}` : ''}.`,
      );
    }
  }
  groups.push({
    title: 'Watches and other devices',
    short: 'paired devices and linked watches',
    lines: dev,
    notable:
      !l ||
      missing.has('linked-devices') ||
      (l.pairedDevices?.length ?? 0) + (l.companionAssociations?.length ?? 0) > 0,
  });

  // VPN, private DNS, proxy
  const net: string[] = [];
  if (missing.has('network-interception') || !l?.vpn) net.push(`VPN: ${NOT}`);
  else {
    const v = l.vpn;
    const owners = new Set<string>();
    for (const a of v.active) if (a.package) owners.add(a.package);
    if (v.alwaysOn) owners.add(v.alwaysOn);
    if (owners.size === 0 && v.active.length === 0) net.push('VPN: none is on.');
    if (owners.size === 0 && v.active.length > 0) {
      net.push('VPN: one is connected, but the phone did not say which app set it up.');
    }
    for (const id of owners) {
      const bits = [
        v.active.some((a) => a.package === id) ? 'connected now' : 'not connected now',
        ...(v.alwaysOn === id ? ['set to be always on'] : []),
        ...(v.alwaysOn === id && v.lockdown ? ['the internet is blocked without it'] : []),
      ];
      net.push(`VPN: ${appWords(id, apps, names)}: ${bits.join(', ')}.`);
    }
  }
  if (!l?.privateDns) net.push(`Private DNS: ${NOT}`);
  else {
    const d = l.privateDns;
    net.push(
      d.mode === 'off'
        ? 'Private DNS: off.'
        : d.mode === 'opportunistic'
          ? 'Private DNS: automatic (the phone\u2019s normal setting).'
          : d.mode === 'hostname'
            ? `Private DNS: set to the provider ${c(d.host, 253) || '(no name given)'}.`
            : `Private DNS: an unusual setting (${c(d.raw, 100)}).`,
    );
  }
  if (!l?.proxy) net.push(`Proxy: ${NOT}`);
  else if (l.proxy.length === 0) net.push('Proxy: none is set.');
  else {
    for (const p of l.proxy) {
      const what = p.source === 'pac' ? 'a proxy script from' : 'a proxy at';
      net.push(
        `Proxy: web traffic goes through ${what} ${c(p.host, 253)}${p.port ? `:${p.port}` : ''}.`,
      );
    }
  }
  groups.push({
    title: 'Who could see this phone\u2019s internet traffic',
    short: 'VPN, private DNS and proxy',
    lines: net,
    notable:
      !l?.vpn ||
      !l.privateDns ||
      !l.proxy ||
      missing.has('network-interception') ||
      l.vpn.active.length > 0 ||
      l.vpn.alwaysOn !== undefined ||
      (l.privateDns.mode !== 'off' && l.privateDns.mode !== 'opportunistic') ||
      l.proxy.length > 0,
  });

  // users and profiles
  const us: string[] = [];
  if (missing.has('users') || !l?.users) us.push(NOT);
  else {
    const others = l.users.filter((u) => u.kind !== 'owner');
    if (others.length === 0) us.push('Only you: there are no other users or profiles.');
    const owners = (Array.isArray(s.profileOwners) ? s.profileOwners : []).map((p) => p?.package);
    for (const u of others.slice(0, 10)) {
      const runBy =
        (u.kind === 'work-profile' || u.kind === 'other-profile') && owners.length === 1
          ? `, run by ${appWords(String(owners[0]), apps, names)}`
          : '';
      us.push(
        `${USER_WORDS[u.kind].replace(/^./, (x) => x.toUpperCase())}${u.name ? ` called "${c(u.name, 60)}"` : ''} (user ${u.id})${runBy}.`,
      );
    }
  }
  groups.push({
    title: 'Other users and work profiles',
    short: 'other users and profiles',
    lines: us,
    notable: !l?.users || missing.has('users') || l.users.some((u) => u.kind !== 'owner'),
  });

  // keyboards
  const kb: string[] = [];
  if (missing.has('keyboards') || !l?.keyboards) kb.push(NOT);
  else if (l.keyboards.length === 0) kb.push('The phone did not say which keyboard is in use.');
  else {
    const ordered = [...l.keyboards].sort((a, b) => Number(b.default) - Number(a.default));
    for (const k of ordered.slice(0, 10)) {
      kb.push(`${k.default ? 'In use' : 'Also turned on'}: ${appWords(k.package, apps, names)}.`);
    }
  }
  groups.push({
    title: 'Keyboards (they see everything typed)',
    short: 'keyboards',
    lines: kb,
    notable:
      !l?.keyboards ||
      missing.has('keyboards') ||
      l.keyboards.length === 0 ||
      l.keyboards.some((k) => !ordinary(k.package, apps)),
  });

  // roles
  const rl: string[] = [];
  if (missing.has('roles') || !l?.roleHolders) rl.push(NOT);
  else {
    for (const [role, words] of ROLE_WORDS) {
      const holders = l.roleHolders[role] ?? [];
      if (holders.length === 0) {
        if (role === 'android.app.role.SMS' || role === 'android.app.role.DIALER') {
          rl.push(`${words}: no app is set.`);
        }
        continue;
      }
      rl.push(`${words}: ${holders.map((h) => appWords(h, apps, names)).join('; ')}.`);
    }
  }
  groups.push({
    title: 'Who handles your texts, calls and the assistant',
    short: 'apps for texts, calls and the assistant',
    lines: rl,
    notable:
      !l?.roleHolders ||
      missing.has('roles') ||
      ROLE_WORDS.some(([role]) => (l.roleHolders?.[role] ?? []).some((h) => !ordinary(h, apps))),
  });

  // data sent
  const ds: string[] = [];
  if (missing.has('data-sent') || !l?.bytesSent) ds.push(NOT);
  else {
    const top = l.bytesSent.filter((b) => b.package).slice(0, 5);
    if (top.length === 0) ds.push('No app has sent data since the phone was last restarted.');
    for (const b of top) {
      ds.push(`${appWords(b.package!, apps, names)}: ${sizeWords(b.bytes)}.`);
    }
  }
  groups.push({
    title: 'Apps that sent the most data since the phone was last restarted (totals only)',
    short: 'data sent by apps',
    lines: ds,
    notable:
      !l?.bytesSent ||
      missing.has('data-sent') ||
      // small amounts are not worth the paper: an unusual app that sent 10 MB or more
      l.bytesSent
        .filter((b) => b.package)
        .slice(0, 5)
        .some((b) => !ordinary(b.package, apps) && b.bytes >= 10_000_000),
  });

  return {
    heading: 'Devices and networks linked to this phone',
    intro:
      'What ties this phone to other devices, and who could see or change its internet traffic. ' +
      'We read names and settings only, never what you sent or looked at. Anything that needs a ' +
      'closer look is also listed in "What we found".',
    notChecked,
    groups,
    safety:
      'Changing any of these, such as unpairing a watch, turning off a VPN or removing a profile, ' +
      'may alert the other person. Make a safety plan with your support worker first.',
  };
}

const INTRO =
  'What ties this phone to other devices, and who could see or change its internet traffic. ' +
  'We read names and settings only, never what you sent or looked at. Anything that needs a ' +
  'closer look is also listed in "What we found".';
const SAFETY =
  'Changing any of these, such as unpairing a watch, turning off a VPN or removing a profile, ' +
  'may alert the other person. Make a safety plan with your support worker first.';

/**
 * An iPhone over USB shows no paired devices, VPN, proxy or DNS settings of its own, and the
 * profile list carries no payloads: a configuration profile is what can set a VPN, a proxy or a
 * DNS server on an iPhone, so each installed profile is named with what it could do, in the same
 * words as on Android, and the rest is said as what to look at on the phone.
 */
function iosLinkedSection(snapshot: IosSnapshot): LinkedSection {
  const notChecked: string[] = [];
  const read = (Array.isArray(snapshot.checks) ? snapshot.checks : []).find(
    (x) => x?.id === 'profiles',
  );
  const profiles = Array.isArray(snapshot.profiles) ? snapshot.profiles : [];
  const net: string[] = [];
  if (!read || read.status === 'not-checked') {
    notChecked.push(
      'Not checked: configuration profiles (a profile can send internet traffic through a VPN, proxy or DNS server).',
    );
    net.push('Not checked (see above).');
  } else {
    if (read.status === 'partial') notChecked.push('Only partly checked: configuration profiles.');
    if (profiles.length === 0 && read.status === 'ok') {
      net.push(
        'No configuration profile is installed, so no profile has set a VPN, proxy or DNS server.',
      );
    }
    for (const p of profiles.slice(0, 20)) {
      const name = c(p.displayName) || c(p.id, 200);
      const org = c(p.organisation);
      net.push(
        `Profile "${name}"${org ? ` from ${org}` : ''}: it can send this phone’s internet traffic through a VPN, proxy or DNS server chosen by whoever made it. What it sets cannot be read over USB: look in Settings → General → VPN & Device Management.`,
      );
    }
  }
  net.push(
    'A VPN app shows in Settings → General → VPN & Device Management; a Wi-Fi proxy in Settings → Wi-Fi → (i) next to the network.',
  );
  return {
    heading: 'Devices and networks linked to this phone',
    intro: INTRO,
    notChecked,
    groups: [
      {
        title: 'Who could see this phone’s internet traffic',
        short: 'VPN, proxy and DNS set by profiles',
        lines: net,
        notable: profiles.length > 0 || notChecked.length > 0,
      },
      {
        title: 'Watches and other devices',
        short: 'paired devices and watches',
        lines: [
          'An iPhone does not list its paired devices over USB. Look together in Settings → Bluetooth (My Devices) and in the Watch app: is every device yours?',
        ],
        notable: false,
      },
    ],
    safety: SAFETY,
  };
}

/** What a phone check cannot see in the home, to go through together. */
export function smartHomeChecklist(snapshot: Snapshot): ChecklistSection {
  const tracker =
    snapshot.platform === 'ios'
      ? 'Your iPhone warns you about an AirTag or other tracker moving with you; the Find My app can also look for items near you.'
      : 'Scan for trackers: Settings \u2192 Safety & emergency \u2192 Unknown tracker alerts \u2192 Scan now, at home and in the car.';
  return {
    heading: 'Smart home and wearables: what this check cannot see',
    intro:
      'A phone check cannot look inside cameras, speakers or other devices in your home. Go ' +
      'through this list together with your support worker. For each device, ask: who set it ' +
      'up, whose account is it on, and who else is a member or admin of that home or account?',
    groups: [
      {
        title: 'Cameras, video doorbells and baby monitors',
        items: [
          'Who else can watch live or saved video? In the app, look at members, admins, shared users and signed-in phones.',
        ],
      },
      {
        title: 'Smart speakers and displays',
        items: [
          'Who else is in the home or household in the app? Some let members listen in ("Drop In") or see what was said.',
        ],
      },
      {
        title: 'Heating, lights, locks and hubs',
        items: [
          'Who is an admin of the home? An admin can change settings, see when you are in and add people back. Check smart lock codes too.',
        ],
      },
      {
        title: 'Car apps',
        items: [
          'A car maker\u2019s app can show where the car is. Who else has the account or a shared key?',
        ],
      },
      {
        title: 'AirTags and other trackers',
        items: [tracker, 'Check bags, coat pockets and the car for small tags.'],
      },
      {
        title: 'Watches and fitness bands',
        items: [
          'Is every linked watch or band yours, and do you wear it? It can show your messages.',
        ],
      },
    ],
    safety:
      'Removing someone from a home, account or device may send them a message. Make a safety ' +
      'plan with your support worker first, and take photos of what you find as evidence.',
    short: [
      'Smart home: cameras, doorbells, speakers, heating and locks. Who else is a member or admin of the home or account? An admin can see and change everything. Make a safety plan before removing anyone.',
      'Car apps, watches and fitness bands. Who else has the account or a shared key? Is every linked watch yours? It can show your messages.',
      snapshot.platform === 'ios'
        ? 'AirTags and other trackers. Your iPhone warns you about a tracker moving with you. Check bags, coats and the car.'
        : 'AirTags and other trackers. Settings \u2192 Safety & emergency \u2192 Unknown tracker alerts \u2192 Scan now, at home and in the car. Check bags and coats.',
    ],
  };
}
