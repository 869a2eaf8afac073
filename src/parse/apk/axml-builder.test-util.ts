/**
 * Test-only: write Android binary XML and resources.arsc chunks by hand, so tests can build the
 * hostile and unusual shapes (lying counts, obfuscated names, sparse/offset16/compact entries)
 * that aapt never writes. Layout per AOSP ResourceTypes.h.
 */
export const ANDROID_NS = 'http://schemas.android.com/apk/res/android';

export const u16 = (v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
};
export const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};
export const chunk = (type: number, header: Buffer, body: Buffer): Buffer =>
  Buffer.concat([
    u16(type),
    u16(8 + header.length),
    u32(8 + header.length + body.length),
    header,
    body,
  ]);

function lengthUtf8(n: number): Buffer {
  return n > 0x7f ? Buffer.from([0x80 | (n >> 8), n & 0xff]) : Buffer.from([n]);
}

export function stringPool(
  strings: string[],
  opts: { utf8?: boolean; claimCount?: number } = {},
): Buffer {
  const datas = strings.map((s) => {
    if (opts.utf8) {
      const bytes = Buffer.from(s, 'utf8');
      return Buffer.concat([
        lengthUtf8(s.length),
        lengthUtf8(bytes.length),
        bytes,
        Buffer.from([0]),
      ]);
    }
    const units = Buffer.from(s, 'utf16le');
    const n = units.length / 2;
    const len = n > 0x7fff ? Buffer.concat([u16(0x8000 | (n >>> 16)), u16(n & 0xffff)]) : u16(n);
    return Buffer.concat([len, units, u16(0)]);
  });
  const offsets: number[] = [];
  let off = 0;
  for (const d of datas) {
    offsets.push(off);
    off += d.length;
  }
  let data = Buffer.concat(datas);
  if (data.length % 4) data = Buffer.concat([data, Buffer.alloc(4 - (data.length % 4))]);
  const header = Buffer.concat([
    u32(opts.claimCount ?? strings.length),
    u32(0),
    u32(opts.utf8 ? 0x100 : 0),
    u32(28 + 4 * strings.length),
    u32(0),
  ]);
  return chunk(0x0001, header, Buffer.concat([...offsets.map(u32), data]));
}

export interface Attr {
  name: string;
  /** In the android namespace (default true) */
  android?: boolean;
  /** Resource id for the resource map; undefined = none */
  id?: number;
  str?: string;
  int?: number;
  bool?: boolean;
  ref?: number;
}

export interface El {
  tag: string;
  attrs?: Attr[];
  children?: El[];
}

export const ATTR_IDS = {
  label: 0x01010001,
  name: 0x01010003,
  permission: 0x01010006,
  enabled: 0x0101000e,
  versionCode: 0x0101021b,
  versionName: 0x0101021c,
};

/** `android:NAME` with its real resource id. */
export function a(
  name: keyof typeof ATTR_IDS,
  value: string | number | boolean,
  ref = false,
): Attr {
  const id = ATTR_IDS[name];
  if (ref) return { name, id, ref: value as number };
  if (typeof value === 'string') return { name, id, str: value };
  if (typeof value === 'boolean') return { name, id, bool: value };
  return { name, id, int: value };
}

const NONE = 0xffffffff;

/** Build a whole AXML document from an element tree. */
export function buildAxml(root: El, opts: { utf8?: boolean; omitEnds?: boolean } = {}): Buffer {
  // Names with resource ids first, in map order, as aapt does; the map is indexed by name index.
  const idNames: { name: string; id: number }[] = [];
  const walk = (e: El, f: (e: El) => void): void => {
    f(e);
    for (const c of e.children ?? []) walk(c, f);
  };
  walk(root, (e) => {
    for (const at of e.attrs ?? []) {
      if (at.id !== undefined && !idNames.some((x) => x.id === at.id && x.name === at.name)) {
        idNames.push({ name: at.name, id: at.id });
      }
    }
  });
  const strings: string[] = idNames.map((x) => x.name);
  const str = (s: string): number => {
    let i = strings.indexOf(s, idNames.length);
    if (i < 0) i = strings.push(s) - 1;
    return i;
  };
  const nameIndex = (at: Attr): number =>
    at.id !== undefined
      ? idNames.findIndex((x) => x.id === at.id && x.name === at.name)
      : str(at.name);
  const ns = str(ANDROID_NS);
  const node = (line: number): Buffer => Buffer.concat([u32(line), u32(NONE)]);
  const body: Buffer[] = [chunk(0x0100, node(1), Buffer.concat([u32(str('android')), u32(ns)]))];
  let line = 1;
  const emit = (e: El): void => {
    const attrs = (e.attrs ?? []).map((at) => {
      let type = 0x03;
      let data = 0;
      if (at.str !== undefined) data = str(at.str);
      else if (at.int !== undefined) [type, data] = [0x10, at.int];
      else if (at.bool !== undefined) [type, data] = [0x12, at.bool ? 0xffffffff : 0];
      else if (at.ref !== undefined) [type, data] = [0x01, at.ref];
      return Buffer.concat([
        u32(at.android === false ? NONE : ns),
        u32(nameIndex(at)),
        u32(type === 0x03 ? data : NONE),
        u16(8),
        Buffer.from([0, type]),
        u32(data),
      ]);
    });
    const ext = Buffer.concat([
      u32(NONE),
      u32(str(e.tag)),
      u16(20),
      u16(20),
      u16(attrs.length),
      u16(0),
      u16(0),
      u16(0),
    ]);
    body.push(chunk(0x0102, node(line++), Buffer.concat([ext, ...attrs])));
    for (const c of e.children ?? []) emit(c);
    if (!opts.omitEnds)
      body.push(chunk(0x0103, node(line++), Buffer.concat([u32(NONE), u32(str(e.tag))])));
  };
  emit(root);
  const pool = stringPool(strings, { utf8: opts.utf8 });
  const map = chunk(0x0180, Buffer.alloc(0), Buffer.concat(idNames.map((x) => u32(x.id))));
  return chunk(0x0003, Buffer.alloc(0), Buffer.concat([pool, map, ...body]));
}

/** A manifest tree: <manifest package=…> with the given children. */
export function manifestTree(pkg: string, children: El[], extra: Attr[] = []): El {
  return {
    tag: 'manifest',
    attrs: [{ name: 'package', android: false, str: pkg }, ...extra],
    children,
  };
}

export type ArscEntry =
  | { type: number; data: number }
  | { str: string }
  | { complex: true }
  | { compact: { type: number; data: number } }
  | undefined;

export interface ArscConfig {
  /** Non-default configs: e.g. a language code written into the config's language bytes */
  language?: string;
  /** 'dense' (u32 offsets, default), 'offset16', 'sparse' */
  layout?: 'dense' | 'offset16' | 'sparse';
  flags?: number;
  entries: ArscEntry[];
}

/** Build a resources.arsc with one package and a single type (id 1, "string"). */
export function buildArsc(opts: {
  packageId?: number;
  utf8?: boolean;
  configs: ArscConfig[];
}): Buffer {
  const strings: string[] = [];
  const sIndex = (s: string): number => {
    let i = strings.indexOf(s);
    if (i < 0) i = strings.push(s) - 1;
    return i;
  };
  const typeChunks = opts.configs.map((cfg) => {
    const entries: Buffer[] = [];
    const offsets: (number | undefined)[] = [];
    let off = 0;
    cfg.entries.forEach((e, i) => {
      if (e === undefined) {
        offsets.push(undefined);
        return;
      }
      let b: Buffer;
      if ('compact' in e) {
        b = Buffer.concat([u16(i), u16(0x0008 | (e.compact.type << 8)), u32(e.compact.data)]);
      } else if ('complex' in e) {
        // ResTable_map_entry with no maps: header 16 bytes (size, flags, key, parent, count).
        b = Buffer.concat([u16(16), u16(0x0001), u32(i), u32(0), u32(0)]);
      } else {
        const [type, data] = 'str' in e ? [0x03, sIndex(e.str)] : [e.type, e.data];
        b = Buffer.concat([u16(8), u16(0), u32(i), u16(8), Buffer.from([0, type]), u32(data)]);
      }
      offsets.push(off);
      entries.push(b);
      off += b.length;
    });
    const layout = cfg.layout ?? 'dense';
    let offsetTable: Buffer;
    let count = cfg.entries.length;
    let flags = 0;
    if (layout === 'sparse') {
      const present = offsets.map((o, i) => [i, o] as const).filter(([, o]) => o !== undefined);
      offsetTable = Buffer.concat(present.map(([i, o]) => Buffer.concat([u16(i), u16(o! / 4)])));
      count = present.length;
      flags = 0x01;
    } else if (layout === 'offset16') {
      offsetTable = Buffer.concat(offsets.map((o) => u16(o === undefined ? 0xffff : o / 4)));
      if (offsetTable.length % 4) offsetTable = Buffer.concat([offsetTable, u16(0)]);
      flags = 0x02;
    } else {
      offsetTable = Buffer.concat(offsets.map((o) => u32(o ?? NONE)));
    }
    const config = Buffer.alloc(64);
    config.writeUInt32LE(64, 0);
    if (cfg.language) config.write(cfg.language, 8, 'latin1');
    const headerLen = 8 + 12 + 64;
    const header = Buffer.concat([
      Buffer.from([1, cfg.flags ?? flags]),
      u16(0),
      u32(count),
      u32(headerLen + offsetTable.length),
      config,
    ]);
    return chunk(0x0201, header, Buffer.concat([offsetTable, ...entries]));
  });
  const name = Buffer.alloc(256);
  name.write('com.example', 'utf16le');
  const pkgHeader = Buffer.concat([
    u32(opts.packageId ?? 0x7f),
    name,
    u32(0),
    u32(0),
    u32(0),
    u32(0),
    u32(0),
  ]);
  const pkg = chunk(0x0200, pkgHeader, Buffer.concat(typeChunks));
  return chunk(
    0x0002,
    u32(1),
    Buffer.concat([stringPool(strings, { utf8: opts.utf8 ?? true }), pkg]),
  );
}
