/** The JSON Schemas published in schema/ must match the code that validates. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffJsonSchema } from '../src/analyze/diffSchema.js';
import { packJsonSchema, ruleJsonSchema } from '../src/rules/schema.js';
import { snapshotJsonSchema } from '../src/snapshot/schema.js';
import { packageRoot } from '../src/util/packageRoot.js';

const published = (name: string) =>
  JSON.parse(readFileSync(join(packageRoot(), 'schema', name), 'utf8')) as Record<string, unknown>;

describe('published JSON Schemas are up to date (regenerate: see schema/README.md)', () => {
  it('rule-pack.schema.json', () => {
    expect(published('rule-pack.schema.json')).toEqual(
      JSON.parse(JSON.stringify(ruleJsonSchema())),
    );
  });
  it('pack.schema.json', () => {
    expect(published('pack.schema.json')).toEqual(JSON.parse(JSON.stringify(packJsonSchema())));
  });
  it('snapshot.schema.json', () => {
    const { $id, title, ...rest } = published('snapshot.schema.json');
    expect($id).toBe('snapshot.schema.json');
    expect(title).toBeTruthy();
    expect(rest).toEqual(JSON.parse(JSON.stringify(snapshotJsonSchema())));
  });
  it('diff.schema.json', () => {
    const { $id, title, ...rest } = published('diff.schema.json');
    expect($id).toBe('diff.schema.json');
    expect(title).toBeTruthy();
    expect(rest).toEqual(JSON.parse(JSON.stringify(diffJsonSchema())));
  });
});
