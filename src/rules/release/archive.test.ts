import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ArchiveError, extractArchive, packFiles, readArchive, writeArchive } from './archive.js';

const temps: string[] = [];
const temp = async () => {
  const d = await mkdtemp(join(tmpdir(), 'spycheck-archive-'));
  temps.push(d);
  return d;
};
afterAll(async () => {
  for (const d of temps) await rm(d, { recursive: true, force: true });
});

/** One raw ustar entry, with any name, type and size field: what a hostile archive holds. */
function rawEntry(
  name: string,
  data: Buffer,
  opts: { type?: string; size?: number; prefix?: string } = {},
): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${(opts.size ?? data.length).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.fill(0x20, 148, 156);
  h.write(opts.type ?? '0', 156, 'latin1');
  if (opts.type === '2') h.write('/etc/passwd', 157, 'latin1');
  h.write('ustar\u000000', 257, 'latin1');
  if (opts.prefix) h.write(opts.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([h, data, pad]);
}
const tarGz = (...entries: Buffer[]) => gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));
const refused = (gz: Buffer, limits?: Parameters<typeof readArchive>[1]) => {
  try {
    readArchive(gz, limits);
  } catch (e) {
    expect(e).toBeInstanceOf(ArchiveError);
    return (e as Error).message;
  }
  throw new Error('the archive was accepted');
};

describe('release archives', () => {
  it('are the same bytes every time, and read back exactly', async () => {
    const entries = [
      { path: 'rules/b.yaml', data: Buffer.from('b: 1\n') },
      { path: 'pack.yaml', data: Buffer.from('id: x\n') },
      { path: `${'d'.repeat(90)}/${'n'.repeat(60)}.yaml`, data: Buffer.alloc(1000, 97) },
    ];
    const a = writeArchive(entries, 1_700_000_000);
    const b = writeArchive([...entries].reverse(), 1_700_000_000);
    expect(a.equals(b)).toBe(true);
    expect(a[9]).toBe(255); // gzip OS byte: "unknown", the same on every OS
    const back = readArchive(a);
    expect(back.map((e) => e.path)).toEqual([
      `${'d'.repeat(90)}/${'n'.repeat(60)}.yaml`,
      'pack.yaml',
      'rules/b.yaml',
    ]);
    expect(back.find((e) => e.path === 'rules/b.yaml')?.data.toString()).toBe('b: 1\n');
    const dest = join(await temp(), 'out');
    await extractArchive(back, dest);
    expect(await readFile(join(dest, 'rules', 'b.yaml'), 'utf8')).toBe('b: 1\n');
  });

  it('a pack folder with a link is refused when packing; hidden files are left out', async () => {
    const dir = await temp();
    await writeFile(join(dir, 'pack.yaml'), 'id: x\n');
    await writeFile(join(dir, '.DS_Store'), 'junk');
    expect((await packFiles(dir)).map((e) => e.path)).toEqual(['pack.yaml']);
    await symlink('/etc/passwd', join(dir, 'evil.yaml'));
    await expect(packFiles(dir)).rejects.toThrow(/evil\.yaml is a link/);
  });

  it('refuses ".." in a path', () => {
    expect(refused(tarGz(rawEntry('../../outside.yaml', Buffer.from('x'))))).toMatch(
      /points outside the pack folder/,
    );
    expect(refused(tarGz(rawEntry('rules/../../x.yaml', Buffer.from('x'))))).toMatch(/outside/);
    expect(refused(tarGz(rawEntry('x.yaml', Buffer.from('x'), { prefix: '..' })))).toMatch(
      /outside/,
    );
  });

  it('refuses an absolute path', () => {
    expect(refused(tarGz(rawEntry('/etc/cron.d/x', Buffer.from('x'))))).toMatch(/absolute path/);
  });

  it('refuses links, devices and pipes', () => {
    expect(refused(tarGz(rawEntry('pack.yaml', Buffer.alloc(0), { type: '2' })))).toMatch(
      /symbolic link/,
    );
    expect(refused(tarGz(rawEntry('pack.yaml', Buffer.alloc(0), { type: '1' })))).toMatch(
      /hard link/,
    );
    expect(refused(tarGz(rawEntry('dev', Buffer.alloc(0), { type: '3' })))).toMatch(/device/);
    expect(refused(tarGz(rawEntry('fifo', Buffer.alloc(0), { type: '6' })))).toMatch(/pipe/);
  });

  it('refuses a huge entry before reading it, and a zip bomb while unpacking', () => {
    const limits = { maxEntries: 100, maxFileBytes: 1000, maxTotalBytes: 5000 };
    // the size field claims 8 GB: refused from the header
    expect(
      refused(tarGz(rawEntry('big.yaml', Buffer.alloc(0), { size: 8 * 1024 ** 3 })), limits),
    ).toMatch(/larger than 1000 bytes/);
    // 100 MB of zeros in a small gzip: gunzip stops at the cap
    const bomb = gzipSync(Buffer.alloc(100 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(200_000);
    expect(refused(bomb, limits)).toMatch(/unpacks to more than/);
    // many small files over the total
    const many = Array.from({ length: 8 }, (_, i) => rawEntry(`f${i}.yaml`, Buffer.alloc(900, 97)));
    expect(refused(tarGz(...many), limits)).toMatch(/unpacks to more than 5000 bytes/);
    const lots = Array.from({ length: 101 }, (_, i) => rawEntry(`f${i}.yaml`, Buffer.from('a')));
    expect(refused(tarGz(...lots), limits)).toMatch(/more than 100 entries/);
  });

  it('refuses duplicates, hidden names, damaged headers and cut-short archives', () => {
    const one = rawEntry('pack.yaml', Buffer.from('a'));
    expect(refused(tarGz(one, one))).toMatch(/twice/);
    expect(refused(tarGz(rawEntry('.hidden.yaml', Buffer.from('a'))))).toMatch(
      /name a pack cannot hold/,
    );
    const bad = Buffer.from(one);
    bad[0] = 0x71; // the checksum no longer matches
    expect(refused(tarGz(bad))).toMatch(/header is damaged/);
    expect(refused(gzipSync(one.subarray(0, 512 + 1)))).toMatch(/cut short/);
    expect(refused(Buffer.from('not gzip at all'))).toMatch(/not a gzip archive/);
    expect(
      refused(tarGz(rawEntry('a', Buffer.from('x')), rawEntry('a/b.yaml', Buffer.from('y')))),
    ).toMatch(/both a file and a folder/);
  });

  it('extracting writes nothing outside the folder, even for entries not from readArchive', async () => {
    const dir = await temp();
    const dest = join(dir, 'out');
    await mkdir(dest);
    await expect(
      extractArchive([{ path: '../escape.yaml', data: Buffer.from('x') }], dest),
    ).rejects.toThrow(ArchiveError);
    expect(await readdir(dir)).toEqual(['out']);
  });
});
