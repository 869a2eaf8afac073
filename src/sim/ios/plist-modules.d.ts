// plist 4 ships no types; this is the part spycheck uses.
declare module 'plist' {
  export function parse(xml: string): unknown;
  export function build(value: unknown): string;
}
