/**
 * Issue 14 end to end: a simulated phone with a watch linked to an unknown notification-reading
 * app, an always-on VPN from a hidden app from outside a store, a private DNS provider, an HTTP
 * proxy, a work profile run by an unknown app, a keyboard from outside a store and an unknown
 * text-message app, scanned live through the fake adb server. Each is reported in plain words
 * with safety-first advice; the clean demo phone reports none; a phone without the new services
 * says those checks did not run, never that they were clean.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeSnapshot } from '../src/analyze/analyze.js';
import { type CompiledRules, compileRules } from '../src/analyze/compile.js';
import { ANDROID_COMMANDS as C } from '../src/device/android/commands.js';
import type { FindingsDoc } from '../src/model/findings.js';
import { defaultRulesDir, loadRulePacks } from '../src/rules/load.js';
import { DeviceProfile, loadProfileData } from '../src/sim/android/device.js';
import { forbiddenRequests, readSimulatedPhone, runCli, tempDir } from './helpers.js';

const LINKED_RULES = [
  'linked.vpn-unknown-app',
  'linked.global-proxy',
  'linked.private-dns',
  'linked.companion-watch',
  'linked.unknown-profile-owner',
  'linked.other-user',
  'linked.keyboard-outside-store',
  'linked.role-outside-store',
  'linked.hidden-top-sender',
];
const SAFETY = /safety plan with your support worker|support worker/;

let rules: CompiledRules;
beforeAll(async () => {
  const { packs, errors } = await loadRulePacks([defaultRulesDir()]);
  expect(errors).toEqual([]);
  rules = compileRules(packs);
});

/** Scans a profile in process, optionally with some answers replaced. */
async function scan(name: string, answers: Record<string, string> = {}) {
  const data = await loadProfileData(name);
  const profile = new DeviceProfile({ ...data, shell: { ...data.shell, ...answers } });
  const { snapshot, log } = await readSimulatedPhone(profile);
  return { snapshot, doc: analyzeSnapshot(snapshot, rules), log };
}

const hits = (doc: FindingsDoc, rule: string) =>
  doc.findings.filter((f) => f.rule === rule || f.evidence.reasons.some((r) => r.rule === rule));

describe('linked-a14: devices and networks linked to the phone', () => {
  let out: string;
  let doc: FindingsDoc;
  let text: string;
  beforeAll(async () => {
    out = join(tempDir(), 'bundle');
    const r = await runCli([
      'scan',
      '--demo',
      'linked-a14',
      '--out',
      out,
      '--json',
      '--format',
      'text,json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    doc = JSON.parse(r.stdout) as FindingsDoc;
    // words only: line breaks and the indent of wrapped lines do not matter here
    text = readFileSync(join(out, 'report.txt'), 'utf8').replace(/\s+/g, ' ');
  }, 60_000);

  it('reports each linked device and interception with plain words and safety first', () => {
    const expectations: Array<[string, string | undefined, string]> = [
      ['linked.companion-watch', 'com.fitpulse.watchsync', 'medium'],
      ['linked.vpn-unknown-app', 'net.securetunnel.vpn', 'high'],
      ['linked.global-proxy', undefined, 'medium'],
      ['linked.private-dns', undefined, 'medium'],
      ['linked.unknown-profile-owner', 'com.mdm.remotecontrol.agent', 'high'],
      ['linked.keyboard-outside-store', 'com.typefast.keyboard', 'medium'],
      ['linked.role-outside-store', 'com.textmate.sms', 'medium'],
      ['linked.hidden-top-sender', 'net.securetunnel.vpn', 'high'],
    ];
    for (const [rule, subject, severity] of expectations) {
      const f = hits(doc, rule).find((x) => (subject ? x.subject.id === subject : true));
      expect(f, rule).toBeDefined();
      expect(f?.severity, rule).toBe(severity);
      // the words come from the most serious rule that hit the app (for the watch app, the
      // behaviour pack's "app from outside a store with special access"): always safety first
      expect(f?.explanation.next_steps, rule).toMatch(SAFETY);
      expect(f?.explanation.next_steps, rule).toMatch(/alert|may be told/);
      // plain words: no jargon the reader has to look up
      expect(`${f?.title} ${f?.explanation.what}`, rule).not.toMatch(/sideload|\bMDM\b|APK/i);
    }
    // the watch app's finding carries the watch it is linked to
    const watch = doc.findings.find((f) => f.subject.id === 'com.fitpulse.watchsync');
    expect(watch?.evidence.reasons.map((r) => r.value)).toContain('watch: Galaxy Watch5 (9F21)');
    // the VPN app is hidden and the top sender: both reasons, one finding
    const vpn = doc.findings.find((f) => f.subject.id === 'net.securetunnel.vpn');
    expect(vpn?.evidence.reasons.map((r) => r.matcher)).toEqual(
      expect.arrayContaining(['vpn_owner', 'data_sent', 'launcher']),
    );
    expect(doc.incomplete ?? false).toBe(false);
  });

  it('shows the linked section with what was read, and the smart-home checklist', () => {
    const section = text.slice(text.indexOf('Devices and networks linked to this phone'));
    expect(section).toMatch(/Paired over Bluetooth: Galaxy Watch5 \(9F21\), a watch/);
    expect(section).toMatch(/Linked to a watch \(Galaxy Watch5 \(9F21\)\) through the app/);
    expect(section).toMatch(/VPN: Secure Tunnel \(net.securetunnel.vpn\)/);
    expect(section).toMatch(/set to be always on/);
    expect(section).toMatch(/Private DNS: set to the provider dns.safe-family-filter.net/);
    expect(section).toMatch(/Proxy: web traffic goes through a proxy at 192.168.1.77:8888/);
    expect(section).toMatch(/A work profile called "Work profile" \(user 10\), run by/);
    expect(section).toMatch(/In use: TypeFast Keyboard/);
    expect(section).toMatch(/Text messages: TextMate \(com.textmate.sms\)/);
    expect(section).toMatch(/may alert the other person\. Make a safety plan/);
    expect(text).toMatch(/Smart home and wearables/);
    expect(text).toMatch(/Unknown tracker alerts \u2192 Scan now/);
    // totals and names only: never an address visited or a DNS query
    expect(section).not.toMatch(/https?:\/\//);
  });
});

describe('the clean demo phone', () => {
  it('reports none of them, and says so in the linked section', async () => {
    const { snapshot, doc, log } = await scan('clean-pixel14');
    for (const rule of LINKED_RULES) expect(hits(doc, rule).map((f) => f.subject.id)).toEqual([]);
    expect(snapshot.linked?.vpn).toEqual({ active: [] });
    expect(snapshot.linked?.proxy).toEqual([]);
    expect(snapshot.linked?.users?.map((u) => u.kind)).toEqual(['owner']);
    expect(snapshot.linked?.roleHolders?.['android.app.role.SMS']).toEqual([
      'com.google.android.apps.messaging',
    ]);
    for (const id of ['linked-devices', 'network-interception', 'keyboards', 'roles', 'users']) {
      expect(snapshot.checks.find((c) => c.id === id)?.status, id).toBe('ok');
    }
    expect(forbiddenRequests(log.entries)).toEqual([]);
    // the new reads are among the requests: one each
    const shell = log.entries.filter((e) => e.kind === 'shell').map((e) => e.request);
    for (const cmd of [
      C.bluetoothManager,
      C.companionDevice,
      C.connectivity,
      C.role,
      C.netstatsDetail,
      C.dumpsysUser,
    ]) {
      expect(
        shell.filter((r) => r.endsWith(cmd)),
        cmd,
      ).toHaveLength(1);
    }
    expect(shell.some((r) => r.endsWith(C.pmListUsers))).toBe(false);
  });
});

describe('a phone without the new services', () => {
  it('says the checks did not run, never that they were clean', async () => {
    const { snapshot, doc } = await scan('linked-a14', {
      [C.companionDevice]: "Can't find service: companiondevice\n",
      [C.role]: "Can't find service: role\n",
      [C.connectivity]:
        'Permission Denial: can\u2019t dump ConnectivityService from pid=1234, uid=2000\n',
      [C.netstatsDetail]: "Can't find service: netstats\n",
      [C.dumpsysUser]: "Can't find service: user\n",
      [C.pmListUsers]: 'Error: java.lang.SecurityException: You need MANAGE_USERS permission\n',
    });
    const status = (id: string) => snapshot.checks.find((c) => c.id === id);
    expect(status('linked-devices')?.status).toBe('not-checked');
    expect(status('linked-devices')?.cause).toBe('unsupported');
    expect(status('roles')?.status).toBe('not-checked');
    expect(status('network-interception')?.status).toBe('not-checked');
    expect(status('network-interception')?.cause).toBe('refused');
    expect(status('data-sent')?.status).toBe('not-checked');
    expect(status('users')?.status).toBe('not-checked');
    // the rules that read them are "not evaluated", and high ones make the result incomplete
    const notJudged = new Set((doc.notEvaluated ?? []).map((n) => n.rule));
    for (const r of ['linked.companion-watch', 'linked.role-outside-store', 'linked.other-user']) {
      expect(notJudged.has(r), r).toBe(true);
    }
    expect(hits(doc, 'linked.companion-watch')).toEqual([]);
    expect((doc.incomplete || undefined)?.checks).toEqual(
      expect.arrayContaining(['network-interception', 'roles']),
    );
    // settings still answer: the proxy and private DNS are judged as before
    expect(hits(doc, 'linked.global-proxy')).toHaveLength(1);
  });
});
