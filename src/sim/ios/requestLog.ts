/** What the simulated iPhone was asked, in order: tests read it to prove what a client sent. */

export type IosRequestVia = 'usbmuxd' | 'lockdownd' | 'service';

export interface IosLoggedRequest {
  /** UTC ISO time the request arrived */
  time: string;
  via: IosRequestVia;
  /** The phone it was for; '' for usbmuxd requests not tied to one phone */
  udid: string;
  /** usbmuxd MessageType, lockdown Request, or the service name */
  target: string;
  /** `ListDevices`, `GetValue com.apple.fmip IsAssociated`, `installation_proxy Browse` … */
  request: string;
  /** Set when the sim refused the request: it would change the phone, or it could not be read. */
  forbidden: boolean;
}

export class IosRequestLog {
  readonly entries: IosLoggedRequest[] = [];

  add(entry: Omit<IosLoggedRequest, 'time'>): IosLoggedRequest {
    const e = { time: new Date().toISOString(), ...entry };
    this.entries.push(e);
    return e;
  }

  forbidden(): IosLoggedRequest[] {
    return this.entries.filter((e) => e.forbidden);
  }

  clear(): void {
    this.entries.length = 0;
  }
}
