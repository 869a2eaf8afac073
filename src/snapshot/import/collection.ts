/**
 * Builds an AndroidCollection from files someone else acquired, so the same pure parsers and
 * assembleAndroidSnapshot judge an import exactly as they judge a live scan. Every source file
 * used is kept byte for byte as raw evidence, named by where it came from.
 */
import { createHash } from 'node:crypto';
import { withoutPacketLog } from '../../device/android/contentFilter.js';
import type {
  AndroidCollection,
  AndroidStepId,
  StepOutput,
} from '../../model/androidCollection.js';
import type { RawOutput } from '../../model/raw.js';
import { ANDROID_STEP_REGISTRY, ANDROID_STEPS } from '../androidSteps.js';

export type ImportFormat = 'androidqf' | 'bugreport';

export class CollectionBuilder {
  readonly outputs: AndroidCollection['outputs'] = {};
  readonly apkHashOutputs: StepOutput[] = [];
  readonly apkCerts: AndroidCollection['apkCerts'] = {};
  /** steps whose text may be incomplete or hold smuggled lines */
  readonly suspect = new Set<AndroidStepId>();
  readonly notes: string[] = [];
  readonly raw: RawOutput[] = [];
  private bytes = 0;

  constructor(
    readonly format: ImportFormat,
    private readonly time: string,
  ) {}

  /** Keep a source (file or section) as evidence; returns the command name it is recorded under. */
  keep(source: string, data: Buffer | string): string {
    const command = `${this.format}:${source}`;
    if (this.raw.some((r) => r.record.command === command)) return command;
    // never content, also from another tool's files: the Bluetooth packet log is left out
    const buf = withoutPacketLog(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    const n = String(this.raw.length + 1).padStart(3, '0');
    const safe = source.replace(/[^A-Za-z0-9.-]+/g, '_').slice(0, 80);
    this.raw.push({
      record: {
        id: `${this.format}.${safe}`,
        command,
        file: `${n}-${this.format}_${safe}.txt`,
        time: this.time,
        durationMs: 0,
        bytes: buf.length,
        sha256: createHash('sha256').update(buf).digest('hex'),
      },
      data: buf,
    });
    this.bytes += buf.length;
    return command;
  }

  /** A step's text, taken from a source that is kept as evidence under the same name. */
  step(id: AndroidStepId, source: string, text: string, evidence: Buffer | string = text): void {
    this.outputs[id] = { command: this.keep(source, evidence), text };
  }

  build(
    serial: string,
    started: string,
    finished: string,
    extraNotes: string[],
  ): AndroidCollection {
    // an evidence-only step (the phone's clock) is asked of a live phone only
    const missing = (Object.keys(ANDROID_STEPS) as AndroidStepId[]).filter(
      (s) => !this.outputs[s] && !ANDROID_STEP_REGISTRY[s].evidenceOnly,
    );
    return {
      serial,
      started,
      finished,
      complete: missing.length === 0,
      outputs: this.outputs,
      apkHashOutputs: this.apkHashOutputs,
      apkCerts: this.apkCerts,
      notes: [...this.notes, ...extraNotes],
      raw: this.raw,
      ...(this.suspect.size ? { suspectSteps: [...this.suspect] } : {}),
      stats: { roundTrips: 0, bytesRead: this.bytes, wallMs: 0, apksPulled: 0 },
    };
  }
}

/** The serial getprop gives, if it is a plausible one; never a hostile string in a folder name. */
export function serialFromGetprop(getprop: string | undefined): string {
  const m = /^\[ro\.serialno\]: \[([^\]\n]*)\]/m.exec(getprop ?? '');
  const s = m?.[1]?.trim() ?? '';
  return /^[A-Za-z0-9._:-]{1,64}$/.test(s) ? s : 'unknown';
}

export function toText(buf: Buffer | undefined): string | undefined {
  return buf === undefined ? undefined : buf.toString('utf8');
}
