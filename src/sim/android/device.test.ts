import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceProfile, loadProfile, ProfileError, resolveProfileDir } from './device.js';
import { packageBlocks } from './shellCommands.js';

const here = dirname(fileURLToPath(import.meta.url));
const tiny = join(here, 'testdata', 'tiny-phone');
const BASE = '/data/app/~~Q1w2e3R4==/com.example.tracker-Z9x8y7==/base.apk';

describe('DeviceProfile shell', () => {
  it('answers exact commands, tolerating extra spaces like a shell', async () => {
    const phone = await loadProfile(tiny);
    expect(phone.shell('dumpsys adb').toString()).toBe("Can't find service: adb\n");
    expect(phone.shell('pm  list packages -f -i -U -u ').toString()).toContain(
      'com.example.tracker',
    );
  });

  it('cuts one package out of dumpsys package, with its section header', async () => {
    const phone = await loadProfile(tiny);
    const out = phone.shell('dumpsys package com.example.tracker').toString();
    expect(out.startsWith('Packages:\n  Package [com.example.tracker] (4b1d2c3):\n')).toBe(true);
    expect(out).toContain('versionName=3.1.4');
    expect(out).toContain('android.permission.READ_SMS: granted=false');
    expect(out).not.toContain('org.example.notes');
    const hidden = phone.shell('dumpsys package com.sec.android.app.popupcalculator').toString();
    expect(hidden.startsWith('Hidden system packages:\n  Package [com.sec')).toBe(true);
    expect(phone.shell('dumpsys package com.nobody.here').toString()).toBe(
      'Unable to find package: com.nobody.here\n',
    );
  });

  it('does not confuse packages whose names share a prefix', () => {
    const text =
      'Packages:\n  Package [com.a.b] (1):\n    x=1\n  Package [com.a.bc] (2):\n    x=2\n';
    expect(packageBlocks(text, 'com.a.b')).toBe('Packages:\n  Package [com.a.b] (1):\n    x=1\n');
  });

  it('lists base and split APKs for pm path, nothing for unknown packages', async () => {
    const phone = await loadProfile(tiny);
    expect(phone.shell('pm path com.example.tracker').toString()).toBe(
      `package:${BASE}\npackage:${BASE.replace('base.apk', 'split_config.arm64_v8a.apk')}\n`,
    );
    expect(phone.shell('pm path org.example.notes').toString()).toBe(
      'package:/data/app/~~a8B7c6==/org.example.notes-K5j4==/base.apk\n',
    );
    expect(phone.shell('pm path com.nobody.here').toString()).toBe('');
  });

  it('reports unknown services and commands instead of failing silently', async () => {
    const phone = await loadProfile(tiny);
    expect(phone.shell('dumpsys wifi').toString()).toBe("Can't find service: wifi\n");
    expect(phone.shell('pm uninstall com.example.tracker').toString()).toBe(
      '/system/bin/sh: pm: inaccessible or not found\n',
    );
    expect(phone.shell('sha256sum /data/app').toString()).toBe(
      'sha256sum: /data/app: Is a directory\n',
    );
  });

  it('serves files over sync with derived directories', () => {
    const phone = new DeviceProfile({
      name: 'mem',
      description: '',
      serial: 'MEM1',
      state: 'device',
      banner: { product: 'p;x', model: 'Pixel 7', device: 'd:1' },
      shell: {},
      files: { '/data/app/a/base.apk': Buffer.from('abc') },
    });
    expect(phone.stat('/data/app/a/base.apk')).toMatchObject({ mode: 0o100644, size: 3 });
    expect(phone.stat('/data/app/')?.mode).toBe(0o40755);
    expect(phone.stat('/data/app/b')).toBeUndefined();
    expect(phone.list('/data')?.map((e) => e.name)).toEqual(['.', '..', 'app']);
    expect(phone.list('/data/app/a/base.apk')).toBeUndefined();
    expect(phone.readFile('/data/app/a/../a/base.apk')?.toString()).toBe('abc');
    expect(phone.readFile('data/app/a/base.apk')).toBeUndefined();
    // separators never leak into the CNXN banner
    expect(phone.bannerString()).toBe(
      'device::ro.product.name=p_x;ro.product.model=Pixel_7;ro.product.device=d_1;features=cmd',
    );
  });
});

describe('loadProfile', () => {
  let tmp = '';
  afterEach(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    tmp = '';
  });
  const write = (yaml: string, extra: Record<string, string> = {}) => {
    tmp = mkdtempSync(join(tmpdir(), 'spycheck-profile-'));
    writeFileSync(join(tmp, 'profile.yaml'), yaml);
    for (const [name, text] of Object.entries(extra)) {
      mkdirSync(dirname(join(tmp, name)), { recursive: true });
      writeFileSync(join(tmp, name), text);
    }
    return tmp;
  };

  it('reads a profile folder with files and inline text', async () => {
    const phone = await loadProfile(tiny);
    expect(phone.name).toBe('tiny-phone');
    expect(phone.serial).toBe('SIMTINY0001');
    expect(phone.state).toBe('device');
    expect(phone.dir).toBe(tiny);
    expect(phone.readFile(BASE)?.length).toBe(200000);
  });

  it('resolves bare names to fixtures/devices in the package', () => {
    const root = join(here, '..', '..', '..');
    expect(resolveProfileDir('infected-a12')).toBe(
      join(root, 'fixtures', 'devices', 'infected-a12'),
    );
    expect(resolveProfileDir('./x')).toBe(join(process.cwd(), 'x'));
  });

  it('names the file and the field when the profile is invalid', async () => {
    const dir = write(
      'name: x\nserial: "has space"\nstate: rooted\nbanner: { product: p }\nshell:\n  getprop: { path: a }\n',
    );
    const err = await loadProfile(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProfileError);
    const msg = (err as Error).message;
    expect(msg).toContain(join(dir, 'profile.yaml'));
    expect(msg).toMatch(/at serial:/);
    expect(msg).toMatch(/at state:/);
    expect(msg).toMatch(/at banner\.model:/);
    expect(msg).toMatch(/at shell\.getprop: expected a file name .* or \{ text: OUTPUT \}/);
  });

  it('names the command whose output file is missing', async () => {
    const dir = write(
      'name: x\nserial: S1\nbanner: { product: p, model: m, device: d }\nshell:\n  getprop: nope.txt\n',
    );
    await expect(loadProfile(dir)).rejects.toThrow(
      /shell "getprop": cannot read nope\.txt: ENOENT/,
    );
  });

  it('rejects relative device paths and bad YAML', async () => {
    const rel = write(
      'name: x\nserial: S1\nbanner: { product: p, model: m, device: d }\nfiles:\n  data/a.apk: a\n',
      { a: 'A' },
    );
    await expect(loadProfile(rel)).rejects.toThrow(/device paths must be absolute/);
    rmSync(tmp, { recursive: true, force: true });
    const bad = write('name: [unclosed\n');
    await expect(loadProfile(bad)).rejects.toThrow(/not valid YAML/);
  });

  it('reads device costs: `true` for a budget phone, or figures of its own', async () => {
    const head = 'name: x\nserial: S1\nbanner: { product: p, model: m, device: d }\n';
    expect((await loadProfile(write(`${head}costs: true\n`))).costs?.costs.usbMBps).toBe(30);
    rmSync(tmp, { recursive: true, force: true });
    const own = await loadProfile(write(`${head}costs: { flashMBps: 100 }\n`));
    expect(own.costs?.costs).toMatchObject({ flashMBps: 100, usbMBps: 30 });
    rmSync(tmp, { recursive: true, force: true });
    expect((await loadProfile(write(head))).costs).toBeUndefined();
    rmSync(tmp, { recursive: true, force: true });
    await expect(loadProfile(write(`${head}costs: { usbMBps: 0 }\n`))).rejects.toThrow(/costs/);
  });

  it('says which phone it could not find', async () => {
    await expect(loadProfile('no-such-phone-here')).rejects.toThrow(
      /no such simulated phone "no-such-phone-here"/,
    );
  });
});

describe('getprop KEY', () => {
  it('answers one property like a real phone, and an empty line for an unknown one', async () => {
    const { loadProfile } = await import('./device.js');
    const p = await loadProfile('clean-pixel14');
    expect(p.shell('getprop ro.product.model').toString()).toBe('Pixel 8\n');
    expect(p.shell('getprop no.such.prop').toString()).toBe('\n');
  });
});

describe('dumpsys package <pkg>', () => {
  it('answers from a one-pass index exactly what cutting the dump gives', async () => {
    const { syntheticProfileData } = await import('./synthetic.js');
    const { packageBlockIndex } = await import('./shellCommands.js');
    const data = syntheticProfileData({ apps: 120, seed: 3, sideloaded: 2 });
    const dump = String(data.shell['dumpsys package packages']);
    const index = packageBlockIndex(dump);
    expect(index.size).toBe(120);
    for (const [pkg, text] of index) expect(text).toBe(packageBlocks(dump, pkg));
    const tiny = `Packages:\n  Package [com.a.b] (1):\n    x=1\n  Package [com.a.bc] (2):\n    x=2\nHidden system packages:\n  Package [com.a.b] (3):\n    y=1\n`;
    expect(packageBlockIndex(tiny).get('com.a.b')).toBe(packageBlocks(tiny, 'com.a.b'));
  });
});
