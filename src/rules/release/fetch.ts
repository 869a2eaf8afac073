/**
 * Where `rules update --from` reads a release: an http(s) address or a folder (a shared
 * drive, a USB stick). This is the only network code in spycheck.
 *
 * Over the network: GET only, a timeout (SPYCHECK_FETCH_TIMEOUT_MS, default 30 s) for the
 * connection and for each pause while downloading, a size cap per file (the body is never
 * read past it), and redirects only within the same host and port (or from http to https
 * on the same host): never to another host, never from https down to http. No cookies, no
 * credentials, no proxy. From a folder: plain files beside index.json only (no links), with
 * the same size caps.
 */

import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename, dirname, resolve } from 'node:path';
import { readPlainFile, UnsafeFileError } from '../../report/files.js';
import { toolInfo } from '../../util/packageRoot.js';
import { INDEX_FILE } from './index.js';

export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;

export type FetchProblem =
  | 'offline'
  | 'timeout'
  | 'missing'
  | 'too-large'
  | 'cut-short'
  | 'redirect'
  | 'http'
  | 'unsafe';

export class FetchError extends Error {
  override name = 'FetchError';
  constructor(
    readonly problem: FetchProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface ReleaseSource {
  /** as shown to the person: the address or the folder */
  label: string;
  /** a file of the release folder (a plain name), at most maxBytes */
  read(name: string, maxBytes: number): Promise<Buffer>;
}

export type SourceResult = { ok: true; source: ReleaseSource } | { ok: false; message: string };

function timeoutMs(env: NodeJS.ProcessEnv): number {
  const n = Number(env.SPYCHECK_FETCH_TIMEOUT_MS);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 600_000) : DEFAULT_FETCH_TIMEOUT_MS;
}

/** `--from`: an http(s) address (of the folder, or of its index.json) or a folder. */
export async function openSource(from: string, env: NodeJS.ProcessEnv): Promise<SourceResult> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(from)) {
    let url: URL;
    try {
      url = new URL(from);
    } catch {
      return { ok: false, message: `"${from}" is not a web address spycheck can use.` };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return {
        ok: false,
        message: `spycheck reads rule releases only from http:// or https:// addresses or from a folder, not ${url.protocol}//.`,
      };
    }
    if (url.username || url.password) {
      return { ok: false, message: 'The address must not hold a user name or password.' };
    }
    url.hash = '';
    url.search = '';
    if (url.pathname.endsWith(`/${INDEX_FILE}`))
      url.pathname = url.pathname.slice(0, -INDEX_FILE.length);
    else if (!url.pathname.endsWith('/')) url.pathname += '/';
    return { ok: true, source: httpSource(url, timeoutMs(env)) };
  }
  let dir = resolve(from);
  const st = await stat(dir).catch(() => undefined);
  if (st?.isFile() && basename(dir) === INDEX_FILE) dir = dirname(dir);
  else if (!st?.isDirectory()) {
    return {
      ok: false,
      message: st
        ? `${from} is not a folder. Give the release folder (the one holding ${INDEX_FILE}) or its web address.`
        : `There is no folder ${from}. Check the path (is the USB stick or shared drive connected?).`,
    };
  }
  return { ok: true, source: folderSource(dir) };
}

function folderSource(dir: string): ReleaseSource {
  return {
    label: dir,
    async read(name, maxBytes) {
      const path = resolve(dir, name);
      try {
        return await readPlainFile(path, { maxBytes, within: dir });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new FetchError('missing', `${name} is missing from ${dir}.`);
        }
        if (err instanceof UnsafeFileError) {
          if (err.why === 'too-large') {
            throw new FetchError(
              'too-large',
              `${name} in ${dir} is larger than expected (over ${maxBytes} bytes).`,
            );
          }
          throw new FetchError('unsafe', `${name} in ${dir} is not a plain file (${err.message}).`);
        }
        throw new FetchError(
          'missing',
          `${name} in ${dir} could not be read: ${(err as Error).message}`,
        );
      }
    },
  };
}

const OFFLINE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNRESET',
  'ETIMEDOUT',
  'EADDRNOTAVAIL',
]);

/** A redirect stays on the same host and port, or goes from http to https on the same host. */
export function redirectAllowed(from: URL, to: URL): boolean {
  if (to.hostname.toLowerCase() !== from.hostname.toLowerCase()) return false;
  if (to.username || to.password) return false;
  if (to.protocol === from.protocol) return to.port === from.port;
  return from.protocol === 'http:' && to.protocol === 'https:';
}

function httpSource(base: URL, timeout: number): ReleaseSource {
  return {
    label: base.href,
    read(name, maxBytes) {
      return get(new URL(encodeURIComponent(name), base), maxBytes, timeout, MAX_REDIRECTS, name);
    },
  };
}

function get(
  url: URL,
  maxBytes: number,
  timeout: number,
  redirectsLeft: number,
  name: string,
): Promise<Buffer> {
  return new Promise<Buffer>((resolvePromise, reject) => {
    let settled = false;
    const fail = (e: FetchError) => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(e);
    };
    const done = (b: Buffer) => {
      if (settled) return;
      settled = true;
      resolvePromise(b);
    };
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, {
      method: 'GET',
      headers: {
        'user-agent': `spycheck/${toolInfo().version} (rules update)`,
        accept: '*/*',
        'accept-encoding': 'identity',
      },
      timeout,
      agent: false,
    });
    req.on('timeout', () =>
      fail(
        new FetchError(
          'timeout',
          `${url.host} did not answer within ${Math.round(timeout / 1000)} s. This laptop may be offline, or the server is down.`,
        ),
      ),
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      if (err.code && OFFLINE_CODES.has(err.code)) {
        fail(
          new FetchError(
            'offline',
            `Could not reach ${url.host}. This laptop may be offline, or the address is wrong.`,
          ),
        );
      } else
        fail(
          new FetchError('offline', `Could not download ${name} from ${url.host}: ${err.message}.`),
        );
    });
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        let next: URL;
        try {
          next = new URL(res.headers.location, url);
        } catch {
          fail(new FetchError('redirect', `${url.host} sent a broken redirect for ${name}.`));
          return;
        }
        if (!redirectAllowed(url, next)) {
          fail(
            new FetchError(
              'redirect',
              `${url.host} tried to send spycheck to ${next.protocol}//${next.host} for ${name}. spycheck downloads rules only from the address you gave, so nothing was downloaded.`,
            ),
          );
          return;
        }
        if (redirectsLeft <= 0) {
          fail(new FetchError('redirect', `${url.host} redirected too many times for ${name}.`));
          return;
        }
        settled = true;
        req.destroy();
        get(next, maxBytes, timeout, redirectsLeft - 1, name).then(resolvePromise, reject);
        return;
      }
      if (status === 404 || status === 410) {
        res.resume();
        fail(new FetchError('missing', `${name} is not on ${url.host} (${status}).`));
        return;
      }
      if (status !== 200) {
        res.resume();
        fail(new FetchError('http', `${url.host} answered ${status} for ${name}.`));
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        fail(
          new FetchError(
            'too-large',
            `${name} is larger than expected (${declared} bytes; at most ${maxBytes}).`,
          ),
        );
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (c: Buffer) => {
        total += c.length;
        if (total > maxBytes) {
          fail(
            new FetchError(
              'too-large',
              `${name} is larger than expected (over ${maxBytes} bytes).`,
            ),
          );
          return;
        }
        chunks.push(c);
      });
      res.on('aborted', () =>
        fail(new FetchError('cut-short', `The download of ${name} was cut short. Try again.`)),
      );
      res.on('error', () =>
        fail(new FetchError('cut-short', `The download of ${name} was cut short. Try again.`)),
      );
      res.on('end', () => {
        if (!res.complete) {
          fail(new FetchError('cut-short', `The download of ${name} was cut short. Try again.`));
          return;
        }
        if (Number.isFinite(declared) && declared !== total) {
          fail(new FetchError('cut-short', `The download of ${name} was cut short. Try again.`));
          return;
        }
        done(Buffer.concat(chunks, total));
      });
    });
    req.end();
  });
}
