/**
 * The rule-pack schema version, in a module of its own: code that only needs the number (the
 * compiled-pack index, the loader's version check) does not load the schemas and zod with it.
 * Bump it when a field changes meaning or a required field is added.
 */
export const RULE_PACK_SCHEMA = 1;
