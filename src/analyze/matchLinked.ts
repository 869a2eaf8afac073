/**
 * Matchers for devices and networks linked to an Android phone (issue 14): the VPN, keyboards,
 * roles, companion devices, data sent, private DNS, proxies and other users. Same three-valued
 * logic as match.ts: a fact that was not read makes the matcher unknown, never "no".
 */
import type { LinkedDeviceKind } from '../model/linkedDevices.js';
import type { AndroidApp, AndroidSnapshot } from '../model/snapshot.js';
import { privateDnsOf, proxiesOf } from '../parse/android/linkedSettings.js';
import { WATCHED_ROLES } from '../parse/android/roles.js';
import type { MatchExpr } from '../rules/schema.js';
import type { Fact } from './facts.js';
import type { Ctx, Eval, Outcome } from './match.js';

const NO: Outcome = Object.freeze({ v: 'no', reasons: [], missing: [] }) as Outcome;
const yes = (matcher: string, value: string): Outcome => ({
  v: 'yes',
  reasons: [{ matcher, value }],
  missing: [],
});
const unknown = (fact: Fact): Outcome => ({ v: 'unknown', reasons: [], missing: [fact] });

/** The role names rules use, and Android's. */
export const ROLE_NAMES = Object.fromEntries(
  Object.entries(WATCHED_ROLES).map(([android, short]) => [short, android]),
) as Record<(typeof WATCHED_ROLES)[keyof typeof WATCHED_ROLES], string>;

const onApp =
  (f: (ctx: Ctx, s: AndroidSnapshot, app: AndroidApp) => Outcome): Eval =>
  (ctx, app) =>
    app && ctx.android ? f(ctx, ctx.android, app as AndroidApp) : NO;
const onAndroid =
  (f: (ctx: Ctx, s: AndroidSnapshot) => Outcome): Eval =>
  (ctx) =>
    ctx.android ? f(ctx, ctx.android) : NO;

const MB = 1_000_000;

/** Whether an app is among the phone's top senders of data: its rank (1 = most), or undefined. */
export function senderRank(s: AndroidSnapshot, pkg: string): number | undefined {
  const list = s.linked?.bytesSent ?? [];
  const i = list.findIndex((b) => b.package === pkg);
  return i < 0 ? undefined : i + 1;
}

export function compileLinked(m: MatchExpr): Eval[] {
  const parts: Eval[] = [];
  if (m.vpn_owner !== undefined) {
    const want = m.vpn_owner;
    parts.push(
      onApp((ctx, s, app) => {
        const vpn = s.linked?.vpn;
        if (ctx.unknown.has('vpn') || !vpn) return unknown('vpn');
        const what: string[] = [];
        if ((vpn.active ?? []).some((v) => v.package === app.id)) what.push('VPN connected now');
        if (vpn.alwaysOn === app.id) {
          what.push(
            vpn.lockdown ? 'always-on VPN, blocking connections without it' : 'always-on VPN',
          );
        }
        if (!want) return what.length ? NO : yes('not vpn_owner', app.id);
        return what.length ? yes('vpn_owner', what.join('; ')) : NO;
      }),
    );
  }
  if (m.keyboard) {
    const set = new Set<string>(m.keyboard);
    parts.push(
      onApp((ctx, s, app) => {
        const kbs = s.linked?.keyboards;
        if (ctx.unknown.has('keyboards') || !kbs) return unknown('keyboards');
        const mine = kbs.filter((k) => k.package === app.id);
        if (mine.some((k) => k.default) && set.has('default')) {
          return yes('keyboard', 'the keyboard in use');
        }
        if (mine.length && set.has('enabled')) return yes('keyboard', 'a keyboard turned on');
        return NO;
      }),
    );
  }
  if (m.role) {
    const wanted = m.role.map((r) => [r, ROLE_NAMES[r]] as const);
    parts.push(
      onApp((ctx, s, app) => {
        const holders = s.linked?.roleHolders;
        if (ctx.unknown.has('roles') || !holders) return unknown('roles');
        const held = wanted.filter(([, android]) => holders[android]?.includes(app.id));
        return held.length
          ? {
              v: 'yes',
              reasons: held.map(([r]) => ({ matcher: 'role', value: r })),
              missing: [],
            }
          : NO;
      }),
    );
  }
  if (m.companion_device) {
    const set = new Set<LinkedDeviceKind>(m.companion_device);
    parts.push(
      onApp((ctx, s, app) => {
        const list = s.linked?.companionAssociations;
        if (ctx.unknown.has('companion_devices') || !list) return unknown('companion_devices');
        const hit = list.find((a) => a.package === app.id && set.has(a.kind));
        if (!hit) return NO;
        const name = hit.displayName ?? hit.address ?? 'a device';
        return yes('companion_device', `${hit.kind}: ${name}`);
      }),
    );
  }
  if (m.data_sent) {
    const { top, at_least_mb } = m.data_sent;
    parts.push(
      onApp((ctx, s, app) => {
        const sent = s.linked?.bytesSent;
        if (ctx.unknown.has('data_sent') || !sent) return unknown('data_sent');
        const rank = senderRank(s, app.id);
        const bytes = rank ? (sent[rank - 1]?.bytes ?? 0) : 0;
        if (!rank || rank > top || bytes < at_least_mb * MB) return NO;
        return yes(
          'data_sent',
          `${Math.round(bytes / MB)} MB sent since the phone started (number ${rank} of all apps)`,
        );
      }),
    );
  }
  if (m.private_dns) {
    const modes = m.private_dns.mode ? new Set<string>(m.private_dns.mode) : undefined;
    const hosts = m.private_dns.host
      ? new Set(m.private_dns.host.map((h) => h.toLowerCase()))
      : undefined;
    parts.push(
      onAndroid((ctx, s) => {
        const global = s.settings?.global;
        if (ctx.unknown.has('settings') || !global || Object.keys(global).length === 0) {
          return unknown('settings');
        }
        const dns = privateDnsOf(global);
        if (modes && !modes.has(dns.mode)) return NO;
        if (hosts && !(dns.host && hosts.has(dns.host))) return NO;
        return yes('private_dns', dns.host ? `${dns.mode}: ${dns.host}` : dns.mode);
      }),
    );
  }
  if (m.proxy) {
    const set = new Set<string>(m.proxy);
    parts.push(
      onAndroid((ctx, s) => {
        const global = s.settings?.global;
        if (ctx.unknown.has('settings') || !global || Object.keys(global).length === 0) {
          return unknown('settings');
        }
        const hits = proxiesOf(global).filter((p) => set.has(p.source));
        return hits.length
          ? {
              v: 'yes',
              reasons: hits.map((p) => ({
                matcher: 'proxy',
                value: `${p.source}: ${p.host}${p.port ? `:${p.port}` : ''}`,
              })),
              missing: [],
            }
          : NO;
      }),
    );
  }
  if (m.other_users) {
    const set = new Set<string>(m.other_users);
    parts.push(
      onAndroid((ctx, s) => {
        const users = s.linked?.users;
        if (ctx.unknown.has('users') || !users) return unknown('users');
        const hits = users.filter((u) => set.has(u.kind));
        return hits.length
          ? {
              v: 'yes',
              reasons: hits.map((u) => ({
                matcher: 'other_users',
                value: `${u.kind} (user ${u.id}${u.name ? `, "${u.name}"` : ''})`,
              })),
              missing: [],
            }
          : NO;
      }),
    );
  }
  return parts;
}
