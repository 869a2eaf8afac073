/**
 * Turns a zod issue path into a line:col inside the YAML source, so every
 * rule error can say exactly where to look.
 */
import { type Document, isMap, isNode, isPair, isScalar, type LineCounter, type Node } from 'yaml';

export interface Where {
  line: number;
  col: number;
}

function posOf(node: Node | undefined, lc: LineCounter): Where | undefined {
  const start = node?.range?.[0];
  if (start === undefined) return undefined;
  const { line, col } = lc.linePos(start);
  return { line, col };
}

/** Position of the value at `path`, or of the nearest parent that exists. */
export function locatePath(
  doc: Document,
  path: readonly PropertyKey[],
  lc: LineCounter,
): Where | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node)) return posOf(node, lc);
  }
  return posOf(doc.contents ?? undefined, lc);
}

/** Position of a key (not its value) in the mapping at `path`. */
export function locateKey(
  doc: Document,
  path: readonly PropertyKey[],
  key: string,
  lc: LineCounter,
): Where | undefined {
  const map = path.length === 0 ? doc.contents : doc.getIn(path as unknown[], true);
  if (isMap(map)) {
    for (const pair of map.items) {
      if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key) {
        return posOf(pair.key, lc);
      }
    }
  }
  return locatePath(doc, path, lc);
}
