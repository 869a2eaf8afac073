/**
 * What a real phone's own work costs, for a simulated phone that should be as slow as a real one
 * where the phone (not the laptop) is the bottleneck. Off unless a profile or caller asks:
 * tests and `--demo` stay instant.
 *
 * Where the defaults come from (issue 11; a budget phone, not a flagship):
 * - flash 300 MB/s: eMMC 5.1 sequential reads of a budget phone, and toybox `sha256sum` keeps up
 *   with that on ARMv8 crypto extensions, so hashing is bound by the flash read.
 * - USB 30 MB/s: adb sync over USB 2 in practice (the 480 Mbit/s bus minus protocol overhead and
 *   adbd's 64 KiB packets); every pull and every shell answer shares it.
 * - `dumpsys package` ~2 ms per package of system_server time: a 300-app phone takes about
 *   0.6 s to print its full package dump.
 * - `dumpsys package <pkg>`: ~4 ms per call beyond the command latency (a binder call into
 *   system_server and the dumpsys process start-up).
 * The flash and USB are each ONE shared resource: concurrent requests queue behind each other
 * (first come, first served). system_server is not: it serves dumpsys calls on several binder
 * threads, so dumpsys costs are paid per call, in parallel.
 */
import { sleep } from './syncService.js';

export interface DeviceCosts {
  /** Flash read speed for `sha256sum` (MB/s, 10^6 bytes). */
  flashMBps: number;
  /** USB transfer speed for sync pulls and shell output (MB/s). */
  usbMBps: number;
  /** system_server time of `dumpsys package` / `dumpsys package packages`, per package (ms). */
  dumpsysPackageMsPerPackage: number;
  /** system_server time of one `dumpsys package <pkg>` (ms). */
  dumpsysOnePackageMs: number;
}

/** A budget Android phone over USB 2: see the file comment for the sources. */
export const REAL_PHONE_COSTS: DeviceCosts = Object.freeze({
  flashMBps: 300,
  usbMBps: 30,
  dumpsysPackageMsPerPackage: 2,
  dumpsysOnePackageMs: 4,
});

/** `costs` as written in a profile or on the command line: `true` = REAL_PHONE_COSTS. */
export type DeviceCostsOption = boolean | Partial<DeviceCosts>;

export function resolveCosts(option: DeviceCostsOption | undefined): DeviceCosts | undefined {
  if (!option) return undefined;
  const c = { ...REAL_PHONE_COSTS, ...(option === true ? {} : option) };
  for (const [k, v] of Object.entries(c)) {
    if (!Number.isFinite(v) || v < 0) throw new Error(`device cost ${k} must be a number ≥ 0`);
  }
  if (c.flashMBps === 0 || c.usbMBps === 0) throw new Error('device speeds must be above 0');
  return c;
}

/** Short description for the bench and the simulator's banner. */
export function describeCosts(c: DeviceCosts): string {
  return (
    `flash ${c.flashMBps} MB/s (sha256sum), USB ${c.usbMBps} MB/s (pulls and shell output), ` +
    `dumpsys package ${c.dumpsysPackageMsPerPackage} ms/package, ` +
    `dumpsys package <pkg> ${c.dumpsysOnePackageMs} ms/call`
  );
}

/**
 * One resource that serves one request at a time, first come first served: the flash chip, the
 * USB link. `use(ms)` books the next `ms` of the resource's time and resolves when that time is
 * over. Bookings are on a timeline, not on timers, so many small bookings (64 KiB pieces of a
 * pull) add up exactly instead of each losing a timer tick.
 */
export class SharedResource {
  private freeAt = 0;
  /** total ms booked, for tests and the bench */
  busyMs = 0;

  constructor(
    readonly name: string,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Books `ms` after whatever is already booked; returns when the booking ends. */
  book(ms: number): number {
    const start = Math.max(this.now(), this.freeAt);
    this.freeAt = start + ms;
    this.busyMs += ms;
    return this.freeAt;
  }

  /** Books `ms` and waits until it is over. */
  async use(ms: number): Promise<void> {
    await until(this.book(ms), this.now);
  }

  /**
   * Books `ms` but waits only when the booking ends more than `slackMs` from now: the caller
   * streams on and catches up later, so a stream of small pieces does not sleep on every piece.
   */
  async pace(ms: number, slackMs = 15): Promise<number> {
    const end = this.book(ms);
    if (end - this.now() > slackMs) await until(end, this.now);
    return end;
  }

  /** Waits until `at` (a booking's end) on this resource's clock. */
  waitUntil(at: number): Promise<void> {
    return until(at, this.now);
  }
}

async function until(at: number, now: () => number): Promise<void> {
  const wait = at - now();
  if (wait > 0) await sleep(wait);
}

/** One phone's costs with its shared flash and USB. */
export class PhoneCosts {
  readonly flash: SharedResource;
  readonly usb: SharedResource;

  constructor(
    readonly costs: DeviceCosts,
    now?: () => number,
  ) {
    this.flash = new SharedResource('flash', now);
    this.usb = new SharedResource('usb', now);
  }

  /** ms of flash time to read `bytes` */
  flashMs(bytes: number): number {
    return (bytes / (this.costs.flashMBps * 1e6)) * 1000;
  }

  /** ms of USB time to move `bytes` */
  usbMs(bytes: number): number {
    return (bytes / (this.costs.usbMBps * 1e6)) * 1000;
  }

  /** Reads `bytes` from flash (queued behind other reads). */
  readFlash(bytes: number): Promise<void> {
    return this.flash.use(this.flashMs(bytes));
  }

  /** Moves `bytes` over USB and waits until they are through (queued behind other transfers). */
  transfer(bytes: number): Promise<void> {
    return this.usb.use(this.usbMs(bytes));
  }

  /**
   * Sends a shell answer over USB. Books the link for it, but waits only when that ends well in
   * the future (a big dump): a short answer costs a fraction of a millisecond, and sleeping a
   * timer tick for each of a thousand small answers would make the phone slower than modelled.
   */
  async sendOutput(bytes: number): Promise<void> {
    await this.usb.pace(this.usbMs(bytes));
  }

  /**
   * Moves one piece of a stream over USB; waits only when the stream runs ahead of the link.
   * Resolves with when the piece is through (for waitUntil at the end of the stream).
   */
  transferPiece(bytes: number): Promise<number> {
    return this.usb.pace(this.usbMs(bytes));
  }

  /** Waits until a time transferPiece gave. */
  waitUntil(at: number): Promise<void> {
    return this.usb.waitUntil(at);
  }
}
