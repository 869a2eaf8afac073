/**
 * MCInstall GetProfileList → configuration profiles. The answer holds
 * `OrderedIdentifiers`, `ProfileManifest { id: { Description, IsActive } }`
 * and `ProfileMetadata { id: { PayloadDisplayName, PayloadOrganization,
 * PayloadDescription, PayloadRemovalDisallowed, PayloadUUID, PayloadVersion } }`.
 * It carries no payloads, so nothing here says what a profile installs.
 */
import type { IosProfile } from '../../model/iosSnapshot.js';
import type { ParseResult } from '../../model/parse.js';
import { type Dict, flag, get, isDict, quote, text, Warnings } from './values.js';

export const PARSER = { id: 'ios.profiles', version: 1 } as const;

/** Most profiles read (a managed phone has a handful; thousands is hostile). */
export const MAX_PROFILES = 1000;

export function parseProfileList(reply: unknown): ParseResult<IosProfile[]> {
  const w = new Warnings();
  if (!isDict(reply)) {
    w.add('The profile list is not a dictionary; no profiles read');
    return { parsed: [], warnings: w.done() };
  }
  const status = get(reply, 'Status');
  if (status !== undefined && status !== 'Acknowledged')
    w.add(
      `The profile list answer says ${typeof status === 'string' ? quote(status) : 'an unexpected status'}`,
    );
  const manifest = dictOrEmpty(reply, 'ProfileManifest', w);
  const metadata = dictOrEmpty(reply, 'ProfileMetadata', w);

  // The phone's order first, then any profile only named in the manifest or metadata.
  const ids: string[] = [];
  const add = (id: unknown) => {
    if (typeof id === 'string' && id !== '' && !ids.includes(id)) ids.push(id);
  };
  const ordered = get(reply, 'OrderedIdentifiers');
  if (Array.isArray(ordered)) for (const id of ordered.slice(0, MAX_PROFILES + 1)) add(id);
  else if (ordered !== undefined) w.add('OrderedIdentifiers is not a list; ignored');
  for (const id of Object.keys(manifest).slice(0, MAX_PROFILES + 1)) add(id);
  for (const id of Object.keys(metadata).slice(0, MAX_PROFILES + 1)) add(id);
  if (ids.length > MAX_PROFILES) {
    w.add(`The phone listed more than ${MAX_PROFILES} profiles; read the first ${MAX_PROFILES}`);
    ids.length = MAX_PROFILES;
  }

  const profiles: IosProfile[] = [];
  for (const id of ids) {
    const where = `Profile ${quote(id)}`;
    const man = dictOrEmpty(manifest, id, w, where);
    const meta = dictOrEmpty(metadata, id, w, where);
    if (!isDict(get(metadata, id))) w.add(`${where}: no metadata; its details are unknown`);
    const p: IosProfile = {
      id,
      uuid: text(meta, 'PayloadUUID', w, where),
      displayName: text(meta, 'PayloadDisplayName', w, where) ?? text(man, 'Description', w, where),
      organisation: text(meta, 'PayloadOrganization', w, where),
      description: text(meta, 'PayloadDescription', w, where),
      removalDisallowed: flag(meta, 'PayloadRemovalDisallowed', w, where),
      active: flag(man, 'IsActive', w, where),
      version: numberOf(get(meta, 'PayloadVersion')),
      payloadContents: 'not-readable',
    };
    for (const k of ['uuid', 'displayName', 'organisation', 'description', 'version'] as const)
      if (p[k] === undefined) delete p[k];
    profiles.push(p);
  }
  return { parsed: profiles, warnings: w.done() };
}

function dictOrEmpty(d: Dict, key: string, w: Warnings, where = 'The profile list'): Dict {
  const v = get(d, key);
  if (v === undefined) return {};
  if (isDict(v)) return v;
  w.add(`${where}: ${key} is not a dictionary; ignored`);
  return {};
}

function numberOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
