/** Reads `fixtures/devices/<name>/profile.yaml` and the files it names into a DeviceProfile. */

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { readProfileYaml } from '../profileFiles.js';

export { profilesDir, resolveProfileDir } from '../profileFiles.js';

import { DeviceProfile, type DeviceProfileData, normalizePath } from './deviceProfile.js';

const nonEmpty = z.string().min(1);

const shellValue = z.union([
  nonEmpty.describe('a file relative to the profile folder'),
  z.strictObject({ file: nonEmpty }),
  z.strictObject({ text: z.string() }),
]);

const fileValue = z.union([nonEmpty, z.strictObject({ file: nonEmpty })]);

/** A misbehaving answer: `endless` never ends; `slow` sends `bytes` every `intervalMs`, never finishing. */
const faultValue = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('endless') }),
  z.strictObject({
    kind: z.literal('slow'),
    bytes: z.int().min(1).max(65_536).optional(),
    intervalMs: z.int().min(1).max(3_600_000).optional(),
  }),
]);

export const profileSchema = z.strictObject({
  name: nonEmpty,
  description: z.string().default(''),
  serial: z
    .string()
    .regex(/^[\x21-\x7e]+$/, 'a serial is printable ASCII without spaces')
    .max(128),
  state: z.enum(['device', 'unauthorized', 'offline']).default('device'),
  banner: z.strictObject({ product: nonEmpty, model: nonEmpty, device: nonEmpty }),
  shell: z.record(nonEmpty, shellValue).default({}),
  files: z
    .record(
      nonEmpty.refine((p) => normalizePath(p) !== undefined, 'device paths must be absolute'),
      fileValue,
    )
    .default({}),
  /** Commands whose answers misbehave; the answer repeats the command's usual output. */
  faults: z.record(nonEmpty, faultValue).default({}),
  /**
   * The phone's clock: `offsetSeconds` ahead of the computer's (negative: behind). `date`
   * answers the computer's clock now plus this, so the phone's clock moves. Default 0.
   */
  clock: z.strictObject({ offsetSeconds: z.number().min(-1e10).max(1e10) }).optional(),
  /**
   * The phone's own costs (deviceCosts.ts): `true` for a budget phone (flash 300 MB/s, USB
   * 30 MB/s, dumpsys package 2 ms per package), or some figures of your own. Default: none.
   */
  costs: z
    .union([
      z.boolean(),
      z.strictObject({
        flashMBps: z.number().positive().max(1e5).optional(),
        usbMBps: z.number().positive().max(1e5).optional(),
        dumpsysPackageMsPerPackage: z.number().min(0).max(1e4).optional(),
        dumpsysOnePackageMs: z.number().min(0).max(1e5).optional(),
      }),
    ])
    .optional(),
});

export type ProfileYaml = z.infer<typeof profileSchema>;

export class ProfileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ProfileError';
  }
}

/** One validation problem as `  at shell.getprop: …`, with zod's nested key/union reasons spelled out. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.map(String).join('.') || '(top)';
  let message = issue.message;
  if (issue.code === 'invalid_key') {
    message = `${issue.issues.map((i) => i.message).join('; ')}`;
  } else if (issue.code === 'invalid_union') {
    message =
      where.startsWith('shell.') || where.startsWith('files.')
        ? 'expected a file name relative to the profile folder, { file: NAME }' +
          (where.startsWith('shell.') ? ' or { text: OUTPUT }' : '')
        : issue.message;
  }
  return `  at ${where}: ${message}`;
}

export async function loadProfile(dirOrName: string): Promise<DeviceProfile> {
  return new DeviceProfile(await loadProfileData(dirOrName));
}

export async function loadProfileData(dirOrName: string): Promise<DeviceProfileData> {
  const { dir, yamlPath, raw } = await readProfileYaml(
    dirOrName,
    (path, message) => new ProfileError(path, message),
  );
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(describeIssue).join('\n');
    throw new ProfileError(yamlPath, `invalid profile:\n${issues}`);
  }
  const p = parsed.data;
  const readLocal = async (rel: string, where: string): Promise<Buffer> => {
    const local = resolve(dir, rel);
    try {
      return await readFile(local);
    } catch (err) {
      throw new ProfileError(
        yamlPath,
        `${where}: cannot read ${rel}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  };
  const shell: Record<string, string | Buffer> = {};
  for (const [cmd, v] of Object.entries(p.shell)) {
    const where = `shell ${JSON.stringify(cmd)}`;
    if (typeof v === 'string') shell[cmd] = await readLocal(v, where);
    else if ('file' in v) shell[cmd] = await readLocal(v.file, where);
    else shell[cmd] = v.text;
  }
  const files: Record<string, Buffer> = {};
  for (const [path, v] of Object.entries(p.files)) {
    files[path] = await readLocal(typeof v === 'string' ? v : v.file, `files ${path}`);
  }
  return {
    name: p.name,
    description: p.description,
    serial: p.serial,
    state: p.state,
    banner: p.banner,
    shell,
    files,
    ...(Object.keys(p.faults).length > 0 ? { faults: p.faults } : {}),
    ...(p.clock ? { clock: p.clock } : {}),
    ...(p.costs ? { costs: withoutUnset(p.costs) } : {}),
    dir,
  };
}

/** zod leaves absent optional keys out, but strict types want no `undefined` values either. */
function withoutUnset<T extends object>(v: true | T): true | T {
  if (v === true) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as T;
}
