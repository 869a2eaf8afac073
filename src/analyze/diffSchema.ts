/**
 * The schema of what `spycheck diff --json` prints, for schema/diff.schema.json and for tests
 * that check real output against it. src/cli/diff.ts types its document with DiffJson, so the
 * two cannot drift apart silently; a test checks the published file matches this.
 */
import { z } from 'zod';
import { SEVERITIES } from '../model/severity.js';
import { CHANGE_KINDS, CHANGE_SUBJECT_TYPES, DIFF_SCHEMA } from './diff.js';

const side = z
  .strictObject({
    bundle: z.string().describe('the bundle folder as it was given'),
    verified: z.boolean().describe('the bundle passed verification (signature and file hashes)'),
    summary: z.string().describe('the verification result in plain words'),
    finished: z.string().optional().describe('when that check finished (ISO 8601, UTC)'),
    serial: z.string().optional().describe("the phone's serial number"),
  })
  .describe('one of the two checks compared');

const change = z
  .strictObject({
    kind: z.enum(CHANGE_KINDS),
    subject: z.strictObject({
      type: z.enum(CHANGE_SUBJECT_TYPES),
      id: z.string().describe('package or bundle id, account name, setting key, key fingerprint…'),
      label: z.string().optional().describe('a name people know it by'),
    }),
    before: z.string().nullable().describe('the value in the earlier check (null: none)'),
    after: z.string().nullable().describe('the value in the later check (null: none now)'),
    severity: z.enum(SEVERITIES),
  })
  .describe('one change between the two checks; an unchanged app is never listed');

export const diffDocumentSchema = z.strictObject({
  schema: z.literal(DIFF_SCHEMA),
  old: side,
  new: side,
  warnings: z
    .array(z.string())
    .describe('said before anything else: a bundle that did not verify, bundles given in reverse'),
  notCompared: z
    .array(z.string())
    .describe('parts of the phone one of the checks could not read: changes there are not shown'),
  changes: z.array(change).describe('most severe first'),
});

export type DiffJson = z.infer<typeof diffDocumentSchema>;

export function diffJsonSchema(): unknown {
  return z.toJSONSchema(diffDocumentSchema, { target: 'draft-2020-12' });
}
