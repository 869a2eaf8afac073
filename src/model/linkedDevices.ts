/**
 * What ties a phone to other devices and who can see or shape its traffic: paired and companion
 * devices, VPN, private DNS, proxy, other users and profiles, keyboards, role holders and the
 * data each app sent. Identifiers and totals only, never content (no DNS queries, no addresses
 * visited, no per-connection records).
 */

/** What kind of device a Bluetooth class or a companion profile says it is. */
export const LINKED_DEVICE_KINDS = [
  'watch',
  'glasses',
  'headphones',
  'car',
  'phone',
  'computer',
  'health',
  'wearable',
  'streaming',
  'other',
] as const;
export type LinkedDeviceKind = (typeof LINKED_DEVICE_KINDS)[number];

/** A device paired (bonded) over Bluetooth. */
export interface PairedDevice {
  /** The device's address as the phone printed it (newer Android hides the first part) */
  address: string;
  /** Its name as the phone shows it (cleaned: one line) */
  name?: string;
  /** Bluetooth type: classic (BR/EDR), le (Low Energy), dual, or unknown */
  transport?: 'classic' | 'le' | 'dual' | 'unknown';
  /** What its Bluetooth class says it is, when printed (Android 13+) */
  kind?: LinkedDeviceKind;
  /** The class of device as printed, e.g. 0x240704 */
  classOfDevice?: string;
}

/** An app the phone let manage a nearby device (Companion Device Manager). */
export interface CompanionAssociation {
  /** The app that manages the device */
  package: string;
  userId?: number;
  /** The device's address, when the association names one */
  address?: string;
  displayName?: string;
  /** The profile asked for, e.g. android.app.role.COMPANION_DEVICE_WATCH (Android 12+) */
  profile?: string;
  /** What the profile says the device is; 'other' when no profile was asked for */
  kind: LinkedDeviceKind;
  /** When the phone's owner approved it, as printed */
  approved?: string;
  /** The app manages the device itself, without Bluetooth or Wi-Fi address */
  selfManaged?: boolean;
}

export interface ActiveVpn {
  /** The app that set the VPN up, by uid (what the phone prints) */
  ownerUid?: number;
  /** Its package, from the uid, or as printed */
  package?: string;
}

export interface VpnState {
  /** VPNs connected at the time of the scan */
  active: ActiveVpn[];
  /** The always-on VPN app (settings secure always_on_vpn_app) */
  alwaysOn?: string;
  /** Always-on with "block connections without VPN" */
  lockdown?: boolean;
}

export interface PrivateDnsState {
  /** off, automatic (opportunistic), or a named provider (hostname) */
  mode: 'off' | 'opportunistic' | 'hostname' | 'unknown';
  /** The provider's host name, lower case, when mode is hostname */
  host?: string;
  /** The setting's value when it is none of the known modes */
  raw?: string;
}

export interface ProxySetting {
  /** Where it is set: the global proxy (device-wide) or the older http_proxy setting */
  source: 'global_http_proxy' | 'http_proxy' | 'pac';
  host: string;
  port?: number;
  exclusions?: string;
}

/** Users and profiles beside the phone's owner */
export const OTHER_USER_KINDS = [
  'secondary',
  'guest',
  'restricted',
  'work-profile',
  'clone-profile',
  'private-profile',
  'other-profile',
] as const;
export const PHONE_USER_KINDS = ['owner', ...OTHER_USER_KINDS] as const;
export type PhoneUserKind = (typeof PHONE_USER_KINDS)[number];

export interface PhoneUser {
  id: number;
  name?: string;
  /** UserInfo flags as printed (hex) */
  flags?: string;
  /** Android's user type, e.g. android.os.usertype.profile.MANAGED (Android 11+) */
  type?: string;
  kind: PhoneUserKind;
  running?: boolean;
  /** The user a profile belongs to, when printed */
  parentId?: number;
}

export interface Keyboard {
  package: string;
  component: string;
  /** The keyboard in use now */
  default: boolean;
}

/** Bytes an app sent since the phone last started (totals only). */
export interface BytesSent {
  uid: number;
  /** The app with this uid, when one app has it */
  package?: string;
  bytes: number;
}

/** Everything read about linked devices and traffic. A field is undefined when not read. */
export interface LinkedState {
  pairedDevices?: PairedDevice[];
  /** Bluetooth was off, so the phone did not list paired devices */
  bluetoothOff?: boolean;
  companionAssociations?: CompanionAssociation[];
  vpn?: VpnState;
  privateDns?: PrivateDnsState;
  proxy?: ProxySetting[];
  users?: PhoneUser[];
  keyboards?: Keyboard[];
  /** Role (android.app.role.SMS…) → its holders for the phone's main user */
  roleHolders?: Record<string, string[]>;
  /** Apps by data sent, most first (at most 50) */
  bytesSent?: BytesSent[];
}
