import type { ActiveVpn } from '../../model/linkedDevices.js';
import type { ParseResult } from '../../model/parse.js';
import { detectShellError } from './shellError.js';
import { quote, splitLines } from './text.js';

export const PARSER = { id: 'android.connectivity', version: 1 } as const;

export interface ConnectivityVpn {
  /** The dump listed the phone's networks, so "no VPN" can be said */
  listed: boolean;
  vpns: ActiveVpn[];
}

/**
 * `dumpsys connectivity`: only the VPNs connected now, and which app set each up. Every network
 * is one `NetworkAgentInfo{…}` line whose capabilities `nc{[ Transports: VPN … ]}` say it is a
 * VPN; the app is `OwnerUid: N` (Android 11+, with `AdminUids: [N]`) or `EstablishingAppUid: N`
 * (Android 10). Nothing else is kept: no addresses, no DNS servers, no traffic.
 */
export function parseConnectivityVpn(text: string): ParseResult<ConnectivityVpn> {
  const out: ConnectivityVpn = { listed: false, vpns: [] };
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed: out, warnings: [`connectivity: ${quote(err)}`] };
  const seen = new Set<string>();
  for (const line of splitLines(text)) {
    if (/^\s*(?:Current Networks:|Active default network:|NetworkAgentInfo)/.test(line)) {
      out.listed = true;
    }
    if (!line.includes('NetworkAgentInfo')) continue;
    const nc = /nc\{\[(.*?)\]\}/.exec(line)?.[1] ?? '';
    const transports = /Transports: ([A-Z_|]+)/.exec(nc)?.[1]?.split('|') ?? [];
    if (!transports.includes('VPN')) continue;
    const owner =
      /OwnerUid: (\d{1,9})/.exec(nc)?.[1] ??
      /EstablishingAppUid: (\d{1,9})/.exec(nc)?.[1] ??
      /AdminUids: \[(\d{1,9})/.exec(nc)?.[1];
    const network = /network\{(\d+)\}/.exec(line)?.[1] ?? String(out.vpns.length);
    if (seen.has(network)) continue;
    seen.add(network);
    if (out.vpns.length >= 20) {
      warnings.push('more than 20 VPNs listed: the rest were not read');
      break;
    }
    out.vpns.push(owner ? { ownerUid: Number(owner) } : {});
    if (!owner) warnings.push('a VPN is connected, but the phone did not say which app set it up');
  }
  return { parsed: out, warnings };
}
