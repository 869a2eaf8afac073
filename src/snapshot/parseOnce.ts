/**
 * The big outputs are parsed during the scan (to accept an answer and plan
 * follow-ups) and again when assembling; remember the last result per kind
 * so a 10 MB dump is parsed once.
 */
const memo = new Map<string, { text: string; result: unknown }>();

export function once<T>(key: string, text: string, parse: (t: string) => T): T {
  const hit = memo.get(key);
  if (hit && hit.text === text) return hit.result as T;
  const result = parse(text);
  memo.set(key, { text, result });
  return result;
}
