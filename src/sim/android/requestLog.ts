/** What the simulated phones were asked, in order: tests read it to prove what a client sent. */

export type RequestVia = 'host-server' | 'adbd';
export type RequestKind = 'host' | 'shell' | 'sync' | 'other';

export interface LoggedRequest {
  /** UTC ISO time the request arrived */
  time: string;
  via: RequestVia;
  /** The phone it was for; '' for host requests not tied to one phone */
  serial: string;
  kind: RequestKind;
  /** The service string (`host:devices`, `shell:getprop`) or sync op and path (`RECV /data/…`) */
  request: string;
}

export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  add(via: RequestVia, serial: string, kind: RequestKind, request: string): LoggedRequest {
    const entry = { time: new Date().toISOString(), via, serial, kind, request };
    this.entries.push(entry);
    return entry;
  }

  /** Requests of one kind, optionally for one phone. */
  filter(kind: RequestKind, serial?: string): LoggedRequest[] {
    return this.entries.filter(
      (e) => e.kind === kind && (serial === undefined || e.serial === serial),
    );
  }

  clear(): void {
    this.entries.length = 0;
  }
}
