/** What every parser returns: what it understood, plus warnings for what it did not. */
export interface ParseResult<T> {
  parsed: T;
  warnings: string[];
}

/** Which parser, at which version, read an output: recorded so a bundle can be re-read. */
export interface ParserInfo {
  id: string;
  version: number;
}
