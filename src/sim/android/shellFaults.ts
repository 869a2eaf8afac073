/**
 * Shell answers that misbehave, so tests and trainers can see how a client
 * copes with a phone that never stops talking or barely talks at all. Shared
 * by the fake adb server and the fake adbd.
 */
import type { Socket } from 'node:net';
import { drained } from './streamOut.js';

export type ShellFault =
  /** The answer never ends: the command's output again and again until the client hangs up. */
  | { kind: 'endless' }
  /** A few bytes of the output at long intervals, never finishing. */
  | { kind: 'slow'; bytes?: number; intervalMs?: number };

/** One faulty answer as it was played, so a test can tell whether the client hung up. */
export interface FaultAnswer {
  serial: string;
  command: string;
  kind: ShellFault['kind'];
  /** UTC ISO time the answer started */
  started: string;
  bytesSent: number;
  /** UTC ISO time the client closed the stream; absent while it is still open */
  closed?: string;
}

/** Where a faulty answer goes. */
export interface FaultSink {
  /** Sends one piece; resolves once more may be sent, with false when the client has gone. */
  write(chunk: Buffer): Promise<boolean>;
  /** Resolves when the client closes the stream. */
  closed: Promise<void>;
}

/** Small enough that memory stays flat, large enough that an endless answer is fast. */
const ENDLESS_PIECE = 64 * 1024;
/** Start the record of one faulty answer, added to the simulator's list for tests to read. */
export function recordFaultAnswer(
  list: FaultAnswer[],
  serial: string,
  command: string,
  fault: ShellFault,
): FaultAnswer {
  const record: FaultAnswer = {
    serial,
    command,
    kind: fault.kind,
    started: new Date().toISOString(),
    bytesSent: 0,
  };
  list.push(record);
  return record;
}

export const SLOW_DEFAULTS = { bytes: 4, intervalMs: 1000 } as const;

/** Used when the command has no output of its own to repeat. */
const FILLER = Buffer.from('spycheck simulated phone: this answer never ends\n', 'utf8');

/**
 * Plays a fault until the client hangs up. Each piece waits for the sink to
 * take the last one (backpressure), so the simulator never holds more than a
 * piece or two however long the client keeps the stream open.
 */
export async function playFault(
  fault: ShellFault,
  output: Buffer,
  sink: FaultSink,
  record: FaultAnswer,
): Promise<void> {
  let open = true;
  void sink.closed.then(() => {
    open = false;
    record.closed ??= new Date().toISOString();
  });
  const next = cycle(output.length > 0 ? output : FILLER);
  const piece = fault.kind === 'endless' ? ENDLESS_PIECE : (fault.bytes ?? SLOW_DEFAULTS.bytes);
  const interval = fault.kind === 'slow' ? (fault.intervalMs ?? SLOW_DEFAULTS.intervalMs) : 0;
  while (open) {
    const chunk = next(piece);
    if (!(await sink.write(chunk))) break;
    record.bytesSent += chunk.length;
    if (interval > 0 && (await closedWithin(interval, sink.closed))) break;
  }
}

/** A sink over a host-protocol socket (the fake adb server's shell service). */
export function socketSink(socket: Socket): FaultSink {
  const closed = new Promise<void>((resolve) => {
    if (socket.destroyed) resolve();
    socket.once('close', () => resolve());
    // the client half-closed: with allowHalfOpen off our side ends too
    socket.once('end', () => resolve());
  });
  return {
    closed,
    async write(chunk) {
      if (socket.destroyed || socket.writableEnded) return false;
      if (!socket.write(chunk)) await drained(socket);
      else await new Promise<void>((r) => setImmediate(r));
      return !socket.destroyed && !socket.writableEnded;
    },
  };
}

/** Reads `output` round and round, `n` bytes at a time. */
function cycle(output: Buffer): (n: number) => Buffer {
  let off = 0;
  return (n) => {
    const parts: Buffer[] = [];
    for (let left = n; left > 0; ) {
      const take = Math.min(left, output.length - off);
      parts.push(output.subarray(off, off + take));
      off = (off + take) % output.length;
      left -= take;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  };
}

/** Waits `ms`; true when the stream closed first. Leaves no timer behind either way. */
function closedWithin(ms: number, closed: Promise<void>): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void closed.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
