/**
 * A simulated phone's answers to the linked-devices commands (issue 14): paired Bluetooth
 * devices, companion associations, networks (VPN), roles, data sent per app, and users. Written
 * in the layout each Android version prints (see src/parse/android/README.md); a phone whose
 * spec says nothing gets a realistic nothing-to-see answer. Pure.
 */
import { ANDROID_COMMANDS as CMD } from '../../device/android/commands.js';
import type { SimApp, SimPhone } from './synthetic.js';

export interface SimBond {
  /** full address, e.g. E8:3A:12:66:B0:4D (Android 13+ prints it partly hidden) */
  address: string;
  name: string;
  transport: 'BR/EDR' | 'LE' | 'DUAL';
  /** class of device, e.g. 0x240704 (a watch); printed by Android 13+ */
  cod?: number;
}

export interface SimAssociation {
  pkg: string;
  address?: string;
  displayName?: string;
  profile?: string;
  /** epoch ms */
  approved: number;
  userId?: number;
}

export interface SimUser {
  id: number;
  name: string;
  /** UserInfo flags */
  flags: number;
  /** android.os.usertype… (Android 11+) */
  type: string;
  running: boolean;
  parentId?: number;
}

/** What a phone has linked to it. Every field optional: unset means nothing unusual. */
export interface SimLinked {
  bluetoothOff?: boolean;
  bonded?: SimBond[];
  associations?: SimAssociation[];
  /** package of the app whose VPN is connected now */
  vpnOwner?: string;
  /** role → holders for user 0 (merged over the defaults) */
  roles?: Record<string, string[]>;
  /** package → bytes sent since start (merged over the ordinary apps' small amounts) */
  sent?: Record<string, number>;
  /** users beyond the owner */
  users?: SimUser[];
  /** answers to replace, as a phone that refuses or lacks a service would give */
  refuse?: Partial<Record<keyof typeof LINKED_COMMANDS, string>>;
}

/** The linked-devices commands this module answers. */
export const LINKED_COMMANDS = {
  bluetooth: CMD.bluetoothManager,
  companion: CMD.companionDevice,
  connectivity: CMD.connectivity,
  role: CMD.role,
  netstats: CMD.netstatsDetail,
  dumpsysUser: CMD.dumpsysUser,
  pmListUsers: CMD.pmListUsers,
} as const;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** Java's Date.toString() on a phone set to UTC: `Sat Aug 17 18:22:51 GMT 2024`. */
function javaDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} GMT ${d.getUTCFullYear()}`;
}

const installed = (phone: SimPhone) => phone.apps.filter((a) => a.installedForUser0 !== false);
const firstInstalled = (phone: SimPhone, pkgs: string[]) => {
  const have = new Set(installed(phone).map((a) => a.pkg));
  return pkgs.find((p) => have.has(p));
};

function bluetooth(phone: SimPhone, l: SimLinked): string {
  const name = phone.settings.secure.bluetooth_name ?? phone.banner.model.replace(/_/g, ' ');
  const head = [
    'Bluetooth Status',
    `  enabled: ${l.bluetoothOff ? 'false' : 'true'}`,
    `  state: ${l.bluetoothOff ? 'OFF' : 'ON'}`,
    `  address: ${phone.sdk >= 33 ? 'XX:XX:XX:XX:' : '5C:CB:99:41:'}0A:17`,
    `  name: ${name}`,
    '',
    'Enable log:',
    '  11-30 07:02:11  Enabled by com.android.systemui',
    '',
    'Bluetooth crashed 0 times',
    '',
  ];
  if (l.bluetoothOff) return `${[...head, 'Bluetooth Service not connected'].join('\n')}\n`;
  const bonds = (l.bonded ?? []).map((b) => {
    if (phone.sdk >= 33) {
      const masked = `XX:XX:XX:XX:${b.address.slice(-5)}`;
      const cod = `0x${(b.cod ?? 0).toString(16).toUpperCase().padStart(6, '0')}`;
      return `    ${masked} [ ${b.transport} ][ ${cod} ] ${b.name}`;
    }
    return `  ${b.address} [${b.transport}] ${b.name}`;
  });
  return `${[...head, 'Bonded devices:', ...bonds, '', 'Profile: A2dpService', '  mActiveDevice: null'].join('\n')}\n`;
}

function companion(phone: SimPhone, l: SimLinked): string {
  const list = l.associations ?? [];
  const lines = list.map((a, i) => {
    const mac = a.address ? a.address.toLowerCase() : 'null';
    if (phone.sdk < 31) {
      return `  Association{deviceMacAddress='${mac}', packageName='${a.pkg}', userId=${a.userId ?? 0}}`;
    }
    return `  Association{mId=${i + 1}, mUserId=${a.userId ?? 0}, mPackageName='${a.pkg}', mDeviceMacAddress=${mac}, mDisplayName='${a.displayName ?? 'null'}', mDeviceProfile='${a.profile ?? 'null'}', mSelfManaged=false, mNotifyOnDeviceNearby=true, mRevoked=false, mTimeApprovedMs=${javaDate(a.approved)}}`;
  });
  if (phone.sdk >= 33) {
    const head =
      lines.length === 0
        ? 'Companion Device Associations: <empty>'
        : `Companion Device Associations: \n${lines.join('\n')}`;
    return `${head}\nLast Removed Association:\n  <empty>\n`;
  }
  return `Companion Device Associations:\n${lines.map((x) => `${x}\n`).join('')}Currently Connected Devices:\n`;
}

function connectivity(phone: SimPhone, l: SimLinked): string {
  const owner = l.vpnOwner ? installed(phone).find((a) => a.pkg === l.vpnOwner) : undefined;
  const wifi = `  NetworkAgentInfo{network{100}  handle{430570040845}  ni{WIFI CONNECTED extra: }  lp{{InterfaceName: wlan0 LinkAddresses: [ 192.168.1.23/24 ] MTU: 1500}}  nc{[ Transports: WIFI Capabilities: NOT_METERED&INTERNET&NOT_RESTRICTED&TRUSTED&NOT_VPN&VALIDATED&NOT_ROAMING&FOREGROUND&NOT_CONGESTED&NOT_SUSPENDED LinkUpBandwidth>=26000Kbps LinkDnBandwidth>=84000Kbps SignalStrength: -55]}  factorySerialNumber=3}`;
  const lines = ['NetworkFactories for:', '  WifiNetworkFactory', ''];
  lines.push(`Active default network: ${owner ? 104 : 100}`, '', 'Current Networks:', wifi);
  lines.push('    Requests: REQUEST:4 LISTEN:31 BACKGROUND_REQUEST:0 total:35');
  if (owner) {
    const who =
      phone.sdk >= 30
        ? `OwnerUid: ${owner.uid} AdminUids: [${owner.uid}]`
        : `EstablishingAppUid: ${owner.uid}`;
    lines.push(
      `  NetworkAgentInfo{network{104}  handle{447749910029}  ni{VPN CONNECTED extra: }  lp{{InterfaceName: tun0 LinkAddresses: [ 10.8.0.2/24 ] MTU: 1400}}  nc{[ Transports: VPN Capabilities: NOT_METERED&INTERNET&NOT_RESTRICTED&TRUSTED&VALIDATED&NOT_ROAMING&FOREGROUND&NOT_CONGESTED&NOT_SUSPENDED Uids: <{0-99999}> ${who} UnderlyingNetworks: [100]]}  factorySerialNumber=-1}`,
      '    Requests: REQUEST:3 LISTEN:21 BACKGROUND_REQUEST:0 total:24',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Who holds each role on an ordinary phone of this maker: the maker's own apps. */
function defaultRoles(phone: SimPhone): Record<string, string[]> {
  const one = (pkgs: string[]) => {
    const p = firstInstalled(phone, pkgs);
    return p ? [p] : [];
  };
  return {
    'android.app.role.ASSISTANT': one(['com.google.android.googlequicksearchbox']),
    'android.app.role.BROWSER': one(['com.android.chrome', 'com.sec.android.app.sbrowser']),
    'android.app.role.CALL_REDIRECTION': [],
    'android.app.role.CALL_SCREENING': one([
      'com.google.android.dialer',
      'com.samsung.android.dialer',
    ]),
    'android.app.role.DIALER': one([
      'com.google.android.dialer',
      'com.samsung.android.dialer',
      'com.android.contacts',
      'com.android.dialer',
    ]),
    'android.app.role.SMS': one([
      'com.google.android.apps.messaging',
      'com.samsung.android.messaging',
      'com.android.mms',
      'com.android.messaging',
    ]),
  };
}

function role(phone: SimPhone, l: SimLinked): string {
  if (phone.sdk < 29) return "Can't find service: role\n";
  const roles = { ...defaultRoles(phone), ...(l.roles ?? {}) };
  const userIds = [0, ...(l.users ?? []).map((u) => u.id)];
  const out: string[] = [];
  for (const id of userIds) {
    out.push('user_states:', `  user_id=${id}`, '  version=4', '  packages_hash=5A9B0C1D');
    for (const name of Object.keys(roles).sort()) {
      out.push('  roles:', `    name=${name}`);
      for (const h of roles[name] ?? []) out.push(`    holders=${h}`);
    }
  }
  return `${out.join('\n')}\n`;
}

function netstats(phone: SimPhone, l: SimLinked): string {
  const ident = `ident=[{type=1, ratType=-1, wifiNetworkKey="HomeNet", metered=false, defaultNetwork=true, oemManaged=OEM_NONE, subId=-1}]`;
  const start = Math.floor(Date.UTC(2024, 10, 30, 6, 0, 0) / 1000);
  // ordinary apps send a little: a few kilobytes to a few megabytes each
  const sent = new Map<number, number>();
  const apps = installed(phone).filter((a) => !a.systemDir);
  for (const [i, a] of apps.entries()) {
    if (i % 3 !== 0) continue;
    sent.set(a.uid, (sent.get(a.uid) ?? 0) + 40_000 + ((a.uid * 7919) % 3_000_000));
  }
  for (const [pkg, bytes] of Object.entries(l.sent ?? {})) {
    const app = installed(phone).find((a: SimApp) => a.pkg === pkg);
    if (app) sent.set(app.uid, bytes);
  }
  const lines = [
    'Active interfaces:',
    `  iface=wlan0 ${ident}`,
    'Dev stats:',
    '  Pending bytes: 5417',
    '  History since boot:',
    `  ${ident} uid=-1 set=ALL tag=0x0`,
    '    NetworkStatsHistory: bucketDuration=3600',
    `      st=${start} rb=91244187 rp=81322 tb=38812344 tp=24419 op=0`,
    'UID stats:',
    '  Pending bytes: 3312',
    '  History since boot:',
  ];
  for (const uid of [...sent.keys()].sort((a, b) => a - b)) {
    const tb = sent.get(uid)!;
    lines.push(
      `  ${ident} uid=${uid} set=DEFAULT tag=0x0`,
      '    NetworkStatsHistory: bucketDuration=7200',
      `      st=${start} rb=${tb * 3} rp=${Math.ceil(tb / 900)} tb=${tb} tp=${Math.ceil(tb / 1200)} op=0`,
    );
  }
  lines.push('UID tag stats:', '  Pending bytes: 0', '  History since boot:');
  return `${lines.join('\n')}\n`;
}

function ownerUser(phone: SimPhone): SimUser {
  return {
    id: 0,
    name: phone.vendor === 'xiaomi' ? '机主' : 'Owner',
    flags: phone.sdk >= 34 ? 0x4c13 : 0xc13,
    type: 'android.os.usertype.full.SYSTEM',
    running: true,
  };
}

function dumpsysUser(phone: SimPhone, l: SimLinked): string {
  const users = [ownerUser(phone), ...(l.users ?? [])];
  const lines = ['Current user: 0', 'Users:'];
  for (const u of users) {
    lines.push(
      `  UserInfo{${u.id}:${u.name}:${u.flags.toString(16)}} serialNo=${u.id} isPrimary=${u.id === 0} parentId=${u.parentId ?? -1}`,
    );
    if (phone.sdk >= 30) lines.push(`    Type: ${u.type}`);
    lines.push(`    State: ${u.running ? 'RUNNING_UNLOCKED' : '-1'}`, '    Created: <unknown>');
  }
  lines.push('', '  Device owner id:-10000', '');
  return `${lines.join('\n')}\n`;
}

function pmListUsers(phone: SimPhone, l: SimLinked): string {
  const users = [ownerUser(phone), ...(l.users ?? [])];
  return `Users:\n${users.map((u) => `\tUserInfo{${u.id}:${u.name}:${u.flags.toString(16)}}${u.running ? ' running' : ''}\n`).join('')}`;
}

/** The answers to every linked-devices command, as this phone prints them. */
export function renderLinkedShell(phone: SimPhone, l: SimLinked = {}): Record<string, string> {
  const out: Record<string, string> = {
    [LINKED_COMMANDS.bluetooth]: bluetooth(phone, l),
    [LINKED_COMMANDS.companion]: companion(phone, l),
    [LINKED_COMMANDS.connectivity]: connectivity(phone, l),
    [LINKED_COMMANDS.role]: role(phone, l),
    [LINKED_COMMANDS.netstats]: netstats(phone, l),
    [LINKED_COMMANDS.dumpsysUser]: dumpsysUser(phone, l),
    [LINKED_COMMANDS.pmListUsers]: pmListUsers(phone, l),
  };
  for (const [k, v] of Object.entries(l.refuse ?? {})) {
    out[LINKED_COMMANDS[k as keyof typeof LINKED_COMMANDS]] = v;
  }
  return out;
}
