import type {
  Keyboard,
  PrivateDnsState,
  ProxySetting,
  VpnState,
} from '../../model/linkedDevices.js';
import type { ParseResult } from '../../model/parse.js';
import { isPackageName, quote } from './text.js';

export const PARSER = { id: 'android.linkedSettings', version: 1 } as const;

type Table = Record<string, string>;
const isSet = (v: string | undefined): v is string => v !== undefined && v !== '' && v !== 'null';

/** `pkg/.Cls` or `pkg/pkg.Cls`, with `;subtype` hashes dropped; undefined when not one. */
function component(raw: string): { package: string; component: string } | undefined {
  const item = raw.split(';')[0]!.trim();
  const slash = item.indexOf('/');
  if (slash <= 0) return undefined;
  const pkg = item.slice(0, slash);
  let cls = item.slice(slash + 1);
  if (!isPackageName(pkg) || !/^[A-Za-z0-9_.$]+$/.test(cls)) return undefined;
  if (cls.startsWith('.')) cls = pkg + cls;
  return { package: pkg, component: cls };
}

/**
 * Keyboards from `settings list secure`: `default_input_method` (`pkg/.Service`, the one in use)
 * and `enabled_input_methods` (colon-separated, each perhaps with `;<subtype>` hashes).
 */
export function keyboardsOf(secure: Table): ParseResult<Keyboard[]> {
  const warnings: string[] = [];
  const out: Keyboard[] = [];
  const def = isSet(secure.default_input_method)
    ? component(secure.default_input_method)
    : undefined;
  if (isSet(secure.default_input_method) && !def) {
    warnings.push(`default_input_method: could not read ${quote(secure.default_input_method)}`);
  }
  const enabled = isSet(secure.enabled_input_methods)
    ? secure.enabled_input_methods.split(':').filter((s) => s.trim() !== '')
    : [];
  for (const raw of enabled.slice(0, 50)) {
    const c = component(raw);
    if (!c) {
      warnings.push(`enabled_input_methods: could not read ${quote(raw)}`);
      continue;
    }
    if (out.some((k) => k.component === c.component && k.package === c.package)) continue;
    out.push({ ...c, default: def?.component === c.component && def.package === c.package });
  }
  if (def && !out.some((k) => k.default)) out.unshift({ ...def, default: true });
  return { parsed: out, warnings };
}

const MODES = new Set(['off', 'opportunistic', 'hostname']);

/** Private DNS from `settings list global`: `private_dns_mode` and `private_dns_specifier`. */
export function privateDnsOf(global: Table): PrivateDnsState {
  const mode = global.private_dns_mode;
  const host = global.private_dns_specifier?.trim().toLowerCase().replace(/\.$/, '');
  // Android's default (no value) is "opportunistic": use a DNS-over-TLS server when the network has one
  if (!isSet(mode)) return { mode: 'opportunistic' };
  if (!MODES.has(mode)) return { mode: 'unknown', raw: mode.slice(0, 100) };
  if (mode === 'hostname') {
    return isSet(host) && /^[a-z0-9.-]{1,253}$/.test(host) ? { mode, host } : { mode };
  }
  return { mode: mode as PrivateDnsState['mode'] };
}

function hostPort(value: string): { host: string; port?: number } | undefined {
  const v = value.trim();
  if (!v || v === 'null' || v === ':0') return undefined;
  const m = /^([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]+\]):?(\d{1,5})?$/.exec(v);
  if (!m) return { host: v.slice(0, 100) };
  return { host: m[1]!.toLowerCase(), ...(m[2] ? { port: Number(m[2]) } : {}) };
}

/**
 * Proxies from `settings list global`: the device-wide `global_http_proxy_host`/`_port`
 * (`_exclusion_list`), the older `http_proxy` (`host:port`), and a proxy script
 * (`global_proxy_pac_url`: only its host is kept).
 */
export function proxiesOf(global: Table): ProxySetting[] {
  const out: ProxySetting[] = [];
  if (isSet(global.global_http_proxy_host)) {
    const hp = hostPort(global.global_http_proxy_host);
    const port = Number(global.global_http_proxy_port);
    if (hp) {
      out.push({
        source: 'global_http_proxy',
        host: hp.host,
        ...(Number.isInteger(port) && port > 0 ? { port } : {}),
        ...(isSet(global.global_http_proxy_exclusion_list)
          ? { exclusions: global.global_http_proxy_exclusion_list.slice(0, 200) }
          : {}),
      });
    }
  }
  if (isSet(global.http_proxy)) {
    const hp = hostPort(global.http_proxy);
    if (hp && !out.some((p) => p.host === hp.host && p.port === hp.port)) {
      out.push({ source: 'http_proxy', ...hp });
    }
  }
  if (isSet(global.global_proxy_pac_url)) {
    const host = /^[a-z]+:\/\/([^/:?#]{1,253})/i.exec(global.global_proxy_pac_url)?.[1];
    if (host) out.push({ source: 'pac', host: host.toLowerCase() });
  }
  return out;
}

/** The always-on VPN from `settings list secure` (`always_on_vpn_app`, `always_on_vpn_lockdown`). */
export function alwaysOnVpnOf(secure: Table): Pick<VpnState, 'alwaysOn' | 'lockdown'> {
  const app = secure.always_on_vpn_app;
  return {
    ...(isSet(app) && isPackageName(app) ? { alwaysOn: app } : {}),
    ...(isSet(app) ? { lockdown: secure.always_on_vpn_lockdown === '1' } : {}),
  };
}
