import type { ParserInfo } from '../model/parse.js';

/** Each parser module's id and version, recorded in every snapshot; an id used twice is a bug. */
export function registerParsers(list: readonly { PARSER: ParserInfo }[]): readonly ParserInfo[] {
  const seen = new Set<string>();
  for (const m of list) {
    if (seen.has(m.PARSER.id)) throw new Error(`Parser ${m.PARSER.id} is registered twice`);
    seen.add(m.PARSER.id);
  }
  return Object.freeze(
    list.map((m) => Object.freeze({ id: m.PARSER.id, version: m.PARSER.version })),
  );
}
