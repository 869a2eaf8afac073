/**
 * What an APK says about itself in AndroidManifest.xml: its package name, version, the name the
 * phone shows for it (resolved through resources.arsc when it is a reference), the permissions
 * it asks for, and the powerful services it offers to bind (accessibility, notification
 * listener, device admin) — the hooks stalkerware needs.
 *
 * Attributes are read the way Android's package parser reads them: android: attributes by
 * resource id (so obfuscated or empty attribute names still count), `package` by name. Only
 * elements in the places Android looks at count (a <service> outside <application> is ignored
 * by the phone, so it is ignored here too).
 */
import type { ParseResult, ParserInfo } from '../../model/parse.js';
import {
  type AxmlAttribute,
  type AxmlDocument,
  type AxmlElement,
  readAxml,
  TYPE_DYNAMIC_REFERENCE,
  TYPE_INT_BOOLEAN,
  TYPE_INT_DEC,
  TYPE_INT_HEX,
  TYPE_REFERENCE,
  TYPE_STRING,
  Warnings,
} from './axml.js';
import { hex, type ResourceTable, readResourceTable, resolveString } from './resources.js';
import { readZipDirectory, readZipEntry, type ZipDirectory } from './zip.js';

export const APK_MANIFEST_PARSER: ParserInfo = { id: 'apk.manifest', version: 1 };

export interface ApkManifest {
  package?: string;
  versionCode?: number;
  versionName?: string;
  /** The app's name as the phone shows it (default language), when the APK gives one */
  label?: string;
  /** Services protected by BIND_ACCESSIBILITY_SERVICE: fully qualified class names */
  accessibilityServices: string[];
  /** Services protected by BIND_NOTIFICATION_LISTENER_SERVICE */
  notificationListeners: string[];
  /** Receivers protected by BIND_DEVICE_ADMIN */
  deviceAdminReceivers: string[];
  /**
   * Has an enabled activity (or activity-alias) with a MAIN + LAUNCHER intent filter, i.e. an
   * icon in the app list as shipped. An app can still hide it at run time; undefined when the
   * manifest could not be read.
   */
  hasLauncherActivity?: boolean;
  usesPermissions: string[];
}

const ANDROID_NS = 'http://schemas.android.com/apk/res/android';
/** Resource ids of the android: attributes we read (frameworks/base/core/res public.xml). */
const ATTR = {
  label: 0x01010001,
  name: 0x01010003,
  permission: 0x01010006,
  enabled: 0x0101000e,
  versionCode: 0x0101021b,
  versionName: 0x0101021c,
} as const;
type AttrName = keyof typeof ATTR;

const BIND_ACCESSIBILITY = 'android.permission.BIND_ACCESSIBILITY_SERVICE';
const BIND_NOTIFICATION_LISTENER = 'android.permission.BIND_NOTIFICATION_LISTENER_SERVICE';
const BIND_DEVICE_ADMIN = 'android.permission.BIND_DEVICE_ADMIN';
const ACTION_MAIN = 'android.intent.action.MAIN';
const CATEGORY_LAUNCHER = 'android.intent.category.LAUNCHER';
const USES_PERMISSION = new Set([
  'uses-permission',
  'uses-permission-sdk-23',
  'uses-permission-sdk-m',
]);

/** Real manifests are well under 1 MB; the biggest apps stay below a few MB. */
const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;
/** resources.arsc of large apps reaches tens of MB (and is usually stored, not deflated). */
const MAX_RESOURCES_BYTES = 96 * 1024 * 1024;
/** Android's PackageItemInfo caps labels at this many characters for display. */
const MAX_LABEL_CHARS = 1000;

function emptyManifest(): ApkManifest {
  return {
    accessibilityServices: [],
    notificationListeners: [],
    deviceAdminReceivers: [],
    usesPermissions: [],
  };
}

/** Read the manifest of an APK (and its label from resources.arsc). Never throws. */
export function readApkManifest(apk: Buffer): ParseResult<ApkManifest> {
  const warn = new Warnings();
  try {
    return readManifestFromZip(apk, warn);
  } catch (err) {
    // Every read is bounds-checked; this is a last line of defence for a bug, not a code path.
    warn.add(`manifest could not be read: ${(err as Error).message}`);
    return { parsed: emptyManifest(), warnings: warn.done() };
  }
}

function readManifestFromZip(apk: Buffer, warn: Warnings): ParseResult<ApkManifest> {
  const dir = readZipDirectory(apk);
  warn.addAll(dir.warnings);
  if (!dir.parsed) return { parsed: emptyManifest(), warnings: warn.done() };
  const manifestBytes = readNamedEntry(
    apk,
    dir.parsed,
    'AndroidManifest.xml',
    MAX_MANIFEST_BYTES,
    warn,
  );
  if (!manifestBytes) {
    warn.add('APK has no readable AndroidManifest.xml');
    return { parsed: emptyManifest(), warnings: warn.done() };
  }
  let table: ResourceTable | null | undefined;
  // resources.arsc is read only when the manifest refers to it: most labels are references,
  // but the table can be large and we skip it when nothing needs it.
  const resources = (): ResourceTable | undefined => {
    if (table === undefined) {
      const bytes = readNamedEntry(apk, dir.parsed!, 'resources.arsc', MAX_RESOURCES_BYTES, warn);
      if (!bytes) {
        warn.add('APK has no readable resources.arsc to look up resource references in');
        table = null;
      } else {
        const r = readResourceTable(bytes);
        warn.addAll(r.warnings);
        table = r.parsed ?? null;
      }
    }
    return table ?? undefined;
  };
  const doc = readAxml(manifestBytes);
  warn.addAll(doc.warnings.map((w) => `AndroidManifest.xml: ${w}`));
  if (!doc.parsed) return { parsed: emptyManifest(), warnings: warn.done() };
  const parsed = manifestFromDocument(doc.parsed, resources, warn);
  return { parsed, warnings: warn.done() };
}

function readNamedEntry(
  apk: Buffer,
  dir: ZipDirectory,
  name: string,
  maxBytes: number,
  warn: Warnings,
): Buffer | undefined {
  const matches = dir.entries.filter((e) => e.name === name);
  if (matches.length === 0) return undefined;
  if (matches.length > 1) {
    // Tools disagree on which copy wins; a packer uses that to show analysts a decoy.
    warn.add(`APK holds ${matches.length} entries named ${name}; reading the first`);
  }
  const r = readZipEntry(apk, matches[0]!, { maxBytes });
  warn.addAll(r.warnings);
  return r.parsed;
}

/**
 * Turn a parsed manifest document into facts. `resources` is asked for the resource table
 * only when an attribute is a reference. Exported for tests with hand-built documents.
 */
export function manifestFromDocument(
  doc: AxmlDocument,
  resources: () => ResourceTable | undefined,
  warn: Warnings,
): ApkManifest {
  const out = emptyManifest();
  const { elements } = doc;
  const rootIndex = elements.findIndex((e) => e.parent === -1);
  const root = elements[rootIndex];
  if (!root || root.name !== 'manifest') {
    warn.add(`AndroidManifest.xml: root element is <${root?.name ?? 'nothing'}>, not <manifest>`);
    return out;
  }
  const text = (el: AxmlElement, name: AttrName): string | undefined =>
    attributeText(findAttribute(el, name), resources, warn);

  const pkg = findPlainAttribute(root, 'package');
  out.package = pkg?.value.type === TYPE_STRING ? pkg.value.string : undefined;
  if (!out.package) warn.add('AndroidManifest.xml: <manifest> has no package name');
  out.versionCode = attributeInt(findAttribute(root, 'versionCode'));
  out.versionName = text(root, 'versionName');

  const children = childIndex(elements);
  const under = (parent: number, name: string): number[] =>
    (children.get(parent) ?? []).filter((i) => elements[i]!.name === name);

  for (const i of children.get(rootIndex) ?? []) {
    const el = elements[i]!;
    if (!USES_PERMISSION.has(el.name)) continue;
    const perm = text(el, 'name');
    if (perm && !out.usesPermissions.includes(perm)) out.usesPermissions.push(perm);
  }

  const apps = under(rootIndex, 'application');
  if (apps.length > 1) {
    warn.add('AndroidManifest.xml: more than one <application>; reading the first, as Android');
  }
  const appIndex = apps[0];
  out.hasLauncherActivity = false;
  if (appIndex === undefined) return out;
  const app = elements[appIndex]!;
  out.label = capLabel(text(app, 'label'), warn);
  // A component without its own android:permission inherits the application's.
  const defaultPermission = text(app, 'permission');
  const appEnabled = attributeBool(findAttribute(app, 'enabled')) !== false;
  const className = (el: AxmlElement): string | undefined => {
    const name = text(el, 'name');
    return name ? qualifyClassName(out.package, name) : undefined;
  };
  const protectedBy = (kind: string, permission: string): string[] => {
    const names: string[] = [];
    for (const i of under(appIndex, kind)) {
      const el = elements[i]!;
      if ((text(el, 'permission') ?? defaultPermission) !== permission) continue;
      const name = className(el);
      if (name && !names.includes(name)) names.push(name);
    }
    return names;
  };
  out.accessibilityServices = protectedBy('service', BIND_ACCESSIBILITY);
  out.notificationListeners = protectedBy('service', BIND_NOTIFICATION_LISTENER);
  out.deviceAdminReceivers = protectedBy('receiver', BIND_DEVICE_ADMIN);

  const isLauncher = (activity: number): boolean =>
    under(activity, 'intent-filter').some((f) => {
      const has = (tag: string, value: string): boolean =>
        under(f, tag).some((x) => text(elements[x]!, 'name') === value);
      return has('action', ACTION_MAIN) && has('category', CATEGORY_LAUNCHER);
    });
  out.hasLauncherActivity =
    appEnabled &&
    [...under(appIndex, 'activity'), ...under(appIndex, 'activity-alias')].some(
      (i) => attributeBool(findAttribute(elements[i]!, 'enabled')) !== false && isLauncher(i),
    );
  return out;
}

function childIndex(elements: AxmlElement[]): Map<number, number[]> {
  const map = new Map<number, number[]>();
  elements.forEach((el, i) => {
    const list = map.get(el.parent);
    if (list) list.push(i);
    else map.set(el.parent, [i]);
  });
  return map;
}

/**
 * Android reads android: attributes by resource id; an attribute without an id in the android
 * namespace is a fallback (the lightweight parser matches by namespace and name).
 */
function findAttribute(el: AxmlElement, name: AttrName): AxmlAttribute | undefined {
  const id = ATTR[name];
  let byName: AxmlAttribute | undefined;
  for (const a of el.attributes) {
    if (a.resourceId === id) return a;
    if (byName === undefined && a.resourceId === undefined && a.namespace === ANDROID_NS) {
      if (a.name === name) byName = a;
    }
  }
  return byName;
}

/** An attribute without a namespace, such as <manifest package="…">. */
function findPlainAttribute(el: AxmlElement, name: string): AxmlAttribute | undefined {
  return el.attributes.find((a) => a.namespace === undefined && a.name === name);
}

function attributeText(
  a: AxmlAttribute | undefined,
  resources: () => ResourceTable | undefined,
  warn: Warnings,
): string | undefined {
  if (!a) return undefined;
  const { type, data } = a.value;
  if (type === TYPE_STRING) return a.value.string;
  if (type === TYPE_REFERENCE || type === TYPE_DYNAMIC_REFERENCE) {
    const table = resources();
    if (!table) {
      warn.add(`could not look up ${hex(data)} (no resource table)`);
      return undefined;
    }
    const r = resolveString(table, data);
    warn.addAll(r.warnings);
    return r.parsed;
  }
  return undefined;
}

function attributeInt(a: AxmlAttribute | undefined): number | undefined {
  if (!a) return undefined;
  const { type, data } = a.value;
  if (type === TYPE_INT_DEC || type === TYPE_INT_HEX) return data | 0;
  if (type === TYPE_STRING && a.value.string && /^-?\d{1,10}$/.test(a.value.string)) {
    return Number(a.value.string);
  }
  return undefined;
}

function attributeBool(a: AxmlAttribute | undefined): boolean | undefined {
  if (!a) return undefined;
  if (a.value.type === TYPE_INT_BOOLEAN) return a.value.data !== 0;
  if (a.value.type === TYPE_STRING) {
    if (a.value.string === 'true') return true;
    if (a.value.string === 'false') return false;
  }
  return undefined;
}

/** Android's rule for android:name: ".Foo" and "Foo" are relative to the package. */
export function qualifyClassName(pkg: string | undefined, name: string): string {
  if (!pkg) return name;
  if (name.startsWith('.')) return pkg + name;
  if (!name.includes('.')) return `${pkg}.${name}`;
  return name;
}

function capLabel(label: string | undefined, warn: Warnings): string | undefined {
  if (label === undefined || label.length <= MAX_LABEL_CHARS) return label;
  warn.add(`app name is ${label.length} characters long; shortened to ${MAX_LABEL_CHARS}`);
  return label.slice(0, MAX_LABEL_CHARS);
}
