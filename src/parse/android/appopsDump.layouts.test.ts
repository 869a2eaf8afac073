/**
 * parseAppOpsDump on hand-written excerpts in the layout each Android version's
 * AppOpsService.dump prints (10: events right under the op; 11+: events inside attribution
 * tags; 12+: capability= and appWidgetVisible= under the uid; 14/15: longer capability
 * strings), and on the generated fixture phones.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AppOpsDump, parseAppOpsDump } from './appopsDump.js';

const SENSITIVE = [
  'FINE_LOCATION',
  'COARSE_LOCATION',
  'RECORD_AUDIO',
  'CAMERA',
  'BODY_SENSORS',
  'READ_SMS',
  'READ_CALL_LOG',
] as const;

/** package → op → latest access, for the sensitive ops only */
function latest(dump: AppOpsDump): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const u of dump.uids) {
    for (const p of u.packages) {
      for (const op of p.ops) {
        if (!(SENSITIVE as readonly string[]).includes(op.op) || !op.lastAccess) continue;
        out[p.id] ??= {};
        (out[p.id] as Record<string, string>)[op.op] = op.lastAccess;
      }
    }
  }
  return out;
}

const read = (text: string) => {
  const r = parseAppOpsDump(text);
  return { ...r, latest: latest(r.parsed) };
};

const A10 = `Current AppOps Service state:
  Settings:
    top_state_settle_time=+30s0ms
    fg_service_state_settle_time=+10s0ms
    bg_state_settle_time=+1s0ms

  Uid 1000:
    state=pers
    Package android:
      WAKE_LOCK (allow): 
          Access: [pers-s] 2024-03-08 11:02:11.404 (-12m48s596ms) duration=+1s2ms
  Uid u0a112:
    state=cch
    foregroundOps:
      COARSE_LOCATION: WATCHER
      FINE_LOCATION: SILENT
    hasForegroundWatchers=true
      COARSE_LOCATION: mode=foreground
      FINE_LOCATION: mode=foreground
      LEGACY_STORAGE: mode=allow
    Package com.google.android.apps.maps:
      COARSE_LOCATION (allow): 
          Access: [top-s] 2024-03-06 09:11:40.012 (-2d2h3m19s988ms)
          Access: [fgsvcl-s] 2024-03-06 09:41:40.977 (-2d1h33m19s23ms) duration=+28m2s11ms
          Reject: [cch-s]2024-03-07 23:40:02.500 (-11h34m57s500ms)
      FINE_LOCATION (allow / switch COARSE_LOCATION=allow): 
          Access: [top-s] 2024-03-06 09:11:40.001 (-2d2h3m19s999ms)
          Access: [fgsvcl-s] 2024-03-06 09:41:40.940 (-2d1h33m19s60ms) duration=+28m2s11ms
          Reject: [cch-s]2024-03-07 23:40:02.500 (-11h34m57s500ms)
      RECORD_AUDIO (allow): 
          Access: [top-s] 2024-03-05 21:14:02.311 (-2d14h0m57s689ms) duration=+12s0ms
  Uid u0a129:
    state=bg
    Package com.android.mms:
      READ_CALL_LOG (allow): 
          Access: [top-s] 2024-03-08 10:22:10.955 (-52m49s45ms)
      READ_SMS (allow): 
          Access: [top-s] 2024-03-08 10:22:10.955 (-52m49s45ms)
          Access: [bg-s] 2024-03-08 02:14:57.973 (-9h0m2s27ms)
  Uid u0a141:
    state=cch
    Package com.android.camera:
      CAMERA (allow): 
          Access: [top-s] 2024-03-05 11:14:30.118 (-3d0h0m29s882ms) duration=+20s411ms
      BODY_SENSORS (allow): 
          Access: [fg-s] 2024-02-29 18:00:00.000 (-7d17h15m0s0ms)
`;

const A11 = `Current AppOps Service state:
  Settings:
    top_state_settle_time=+5s0ms
    fg_service_state_settle_time=+5s0ms
    bg_state_settle_time=+1s0ms

  Uid u0a203:
    state=fgsvc
      LEGACY_STORAGE: mode=allow
    Package com.spy.agent:
      COARSE_LOCATION (allow): 
        null=[
          Access: [fgsvc-s] 2021-09-02 18:40:01.512 (-2m58s488ms)
        ]
      FINE_LOCATION (allow / switch COARSE_LOCATION=allow): 
        null=[
          Access: [fgsvc-s] 2021-09-02 18:40:01.470 (-2m58s530ms)
          Access: [bg-s] 2021-09-02 16:12:44.003 (-2h30m15s997ms)
        ]
      READ_CALL_LOG (allow): 
        null=[
          Access: [bg-s] 2021-09-02 09:00:12.551 (-9h42m47s449ms)
        ]
      READ_SMS (allow): 
        null=[
          Access: [bg-s] 2021-09-02 09:00:12.104 (-9h42m47s896ms)
        ]
      CAMERA (allow): 
        null=[
          Reject: [bg-s]2021-09-02 18:01:00.000 (-42m0s0ms)
        ]
      RECORD_AUDIO (allow): 
        null=[
          Access: [fgsvc-s] 2021-09-02 18:10:00.020 (-32m59s980ms) duration=+15m0s2ms
        ]
        Running start at: +4m11s300ms
`;

const A12 = `Current AppOps Service state:
  Settings:
    top_state_settle_time=+5s0ms
    fg_service_state_settle_time=+5s0ms
    bg_state_settle_time=+1s0ms

  Op mode watchers:
    Op COARSE_LOCATION:
      #0: ModeCallback{5c1a7e2 watchinguid=-1 flags=0x1 from uid=1000 pid=1402}

  Uid u0a149:
    state=pers
    capability=LCMN
    appWidgetVisible=false
    Package com.google.android.gms:
      COARSE_LOCATION (allow): 
        null=[
          Access: [pers-s] 2022-06-14 19:58:30.120 (-1m29s880ms)
        ]
      FINE_LOCATION (allow / switch COARSE_LOCATION=allow): 
        null=[
          Access: [pers-s] 2022-06-14 19:58:30.118 (-1m29s882ms)
          Access: [pers-tp] 2022-06-14 19:59:01.002 (-58s998ms) proxy[uid=10211, pkg=com.whatsapp, attributionTag=null]
        ]
      BODY_SENSORS (allow): 
        null=[
          Access: [pers-s] 2022-06-10 07:31:12.900 (-4d12h28m47s100ms)
        ]
  Uid u0a301:
    state=fgsvc
    capability=LCMN
    appWidgetVisible=false
    Package com.mobile.tracker.free:
      RECORD_AUDIO (allow): 
        null=[
          Access: [fgsvc-s] 2022-06-14 02:13:09.004 (-17h46m50s996ms) duration=+15m0s2ms
        ]
      CAMERA (allow): 
        null=[
          Access: [fgsvc-s] 2022-06-13 19:55:00.120 (-1d0h4m59s880ms) duration=+3s906ms
          Reject: [bg-s]2022-06-14 19:50:00.000 (-10m0s0ms)
        ]
`;

const A13 = `Current AppOps Service state:
  Settings:
    top_state_settle_time=+5s0ms
    fg_service_state_settle_time=+5s0ms
    bg_state_settle_time=+1s0ms

  Uid u0a188:
    state=cch
    capability=----
    appWidgetVisible=false
    foregroundOps:
      COARSE_LOCATION: WATCHER
    hasForegroundWatchers=true
      COARSE_LOCATION: mode=foreground
      FINE_LOCATION: mode=foreground
      CAMERA: mode=ignore
    Package com.life360.android.safetymapd:
      COARSE_LOCATION (allow): 
        null=[
          Access: [fgsvc-s] 2024-02-27 15:37:12.118 (-2m47s882ms)
          Access: [bg-s] 2024-02-27 15:30:40.555 (-9m19s445ms)
        ]
        LocationSharing=[
          Access: [bg-s] 2024-02-27 15:38:59.001 (-1m0s999ms)
        ]
      FINE_LOCATION (allow / switch COARSE_LOCATION=allow): 
        null=[
          Access: [fgsvc-s] 2024-02-27 15:37:12.081 (-2m47s919ms)
        ]
        LocationSharing=[
          Access: [bg-s] 2024-02-27 15:38:58.964 (-1m1s36ms)
        ]
        Geofencing=[
          Access: [bg-s] 2024-02-27 12:02:11.400 (-3h37m48s600ms)
        ]
  Uid u0a190:
    state=top
    capability=LCMN
    appWidgetVisible=false
    Package com.google.android.apps.messaging:
      READ_SMS (allow): 
        null=[
          Access: [top-s] 2024-02-27 14:20:00.004 (-1h19m59s996ms)
        ]
      READ_CALL_LOG (allow): 
  User restrictions for token android.os.Binder@8a6e1f2:
      User #0 restrictions:
        [CAMERA]
`;

const A14 = `Current AppOps Service state:
  Settings:
    top_state_settle_time=+5s0ms
    fg_service_state_settle_time=+5s0ms
    bg_state_settle_time=+1s0ms

  Uid u0a214:
    state=top
    capability=LCMNF
    appWidgetVisible=false
    Package com.google.android.apps.maps:
      COARSE_LOCATION (allow): 
        null=[
          Access: [top-s] 2024-05-20 09:54:38.010 (-35m21s990ms)
        ]
      FINE_LOCATION (allow / switch COARSE_LOCATION=allow): 
        null=[
          Access: [top-s] 2024-05-20 09:54:37.973 (-35m22s27ms)
          Access: [fgsvc-s] 2024-05-19 08:29:10.400 (-1d2h0m49s600ms) duration=+22m4s310ms
        ]
      RECORD_AUDIO (allow): 
        null=[
          Access: [top-s] 2024-05-19 08:26:01.111 (-1d2h3m58s889ms) duration=+6s120ms
        ]
  Uid u10a214:
    state=cch
    capability=----
    appWidgetVisible=false
    Package com.google.android.apps.maps:
      FINE_LOCATION (allow / switch COARSE_LOCATION=allow): 
        null=[
          Access: [top-s] 2024-05-20 10:20:00.000 (-10m0s0ms)
        ]
`;

const A15 = `Current AppOps Service state:
  Settings:
    top_state_settle_time=+5s0ms
    fg_service_state_settle_time=+5s0ms
    bg_state_settle_time=+1s0ms

  Uid u0a250:
    state=fgsvc
    capability=LCMNFU-
    appWidgetVisible=false
    Package com.google.android.apps.fitness:
      BODY_SENSORS (allow): 
        null=[
          Access: [fgsvc-s] 2025-01-10 07:00:01.250 (-3h2m0s750ms)
        ]
      CAMERA (ignore): 
        null=[
          Reject: [top-s]2025-01-10 09:59:59.000 (-2m1s0ms)
        ]
      READ_CALL_LOG (allow): 
        null=[
          Access: [bg-s] 2025-01-09 22:10:00.000 (-11h52m1s0ms)
        ]
`;

describe('parseAppOpsDump across Android versions', () => {
  it('Android 10: events right under the op, latest per op over every uid state', () => {
    const r = read(A10);
    expect(r.warnings).toEqual([]);
    expect(r.latest).toEqual({
      'com.google.android.apps.maps': {
        COARSE_LOCATION: '2024-03-06 09:41:40.977',
        FINE_LOCATION: '2024-03-06 09:41:40.940',
        RECORD_AUDIO: '2024-03-05 21:14:02.311',
      },
      'com.android.mms': {
        READ_CALL_LOG: '2024-03-08 10:22:10.955',
        READ_SMS: '2024-03-08 10:22:10.955',
      },
      'com.android.camera': {
        CAMERA: '2024-03-05 11:14:30.118',
        BODY_SENSORS: '2024-02-29 18:00:00.000',
      },
    });
    const maps = r.parsed.uids.find((u) => u.uid === 'u0a112');
    // the foregroundOps lines ("COARSE_LOCATION: WATCHER") are not uid modes
    expect(maps?.modes).toEqual({
      COARSE_LOCATION: 'foreground',
      FINE_LOCATION: 'foreground',
      LEGACY_STORAGE: 'allow',
    });
  });

  it('Android 10: a Reject newer than every Access does not count as an access', () => {
    const op = read(A10)
      .parsed.uids.find((u) => u.uid === 'u0a112')
      ?.packages[0]?.ops.find((o) => o.op === 'COARSE_LOCATION');
    expect(op?.lastAccess).toBe('2024-03-06 09:41:40.977');
    expect(op?.lastReject).toBe('2024-03-07 23:40:02.500');
  });

  it('Android 11: events inside null=[ … ], a running op, a camera that was only rejected', () => {
    const r = read(A11);
    expect(r.warnings).toEqual([]);
    expect(r.latest['com.spy.agent']).toEqual({
      COARSE_LOCATION: '2021-09-02 18:40:01.512',
      FINE_LOCATION: '2021-09-02 18:40:01.470',
      READ_CALL_LOG: '2021-09-02 09:00:12.551',
      READ_SMS: '2021-09-02 09:00:12.104',
      RECORD_AUDIO: '2021-09-02 18:10:00.020',
    });
    const camera = r.parsed.uids[0]?.packages[0]?.ops.find((o) => o.op === 'CAMERA');
    expect(camera?.lastAccess).toBeUndefined();
    expect(camera?.lastReject).toBe('2021-09-02 18:01:00.000');
  });

  it('Android 12: capability lines, a proxied access, Reject lines ignored', () => {
    const r = read(A12);
    expect(r.warnings).toEqual([]);
    expect(r.latest).toEqual({
      'com.google.android.gms': {
        COARSE_LOCATION: '2022-06-14 19:58:30.120',
        FINE_LOCATION: '2022-06-14 19:59:01.002',
        BODY_SENSORS: '2022-06-10 07:31:12.900',
      },
      'com.mobile.tracker.free': {
        RECORD_AUDIO: '2022-06-14 02:13:09.004',
        CAMERA: '2022-06-13 19:55:00.120',
      },
    });
  });

  it('Android 13: several attribution tags keep the latest, user restrictions end the list', () => {
    const r = read(A13);
    expect(r.warnings).toEqual([]);
    expect(r.latest).toEqual({
      'com.life360.android.safetymapd': {
        COARSE_LOCATION: '2024-02-27 15:38:59.001',
        FINE_LOCATION: '2024-02-27 15:38:58.964',
      },
      'com.google.android.apps.messaging': { READ_SMS: '2024-02-27 14:20:00.004' },
    });
    const life = r.parsed.uids.find((u) => u.uid === 'u0a188');
    expect(life?.modes).toEqual({
      COARSE_LOCATION: 'foreground',
      FINE_LOCATION: 'foreground',
      CAMERA: 'ignore',
    });
    // an op printed without any event has no access time
    const callLog = r.parsed.uids
      .find((u) => u.uid === 'u0a190')
      ?.packages[0]?.ops.find((o) => o.op === 'READ_CALL_LOG');
    expect(callLog).toEqual({ op: 'READ_CALL_LOG', mode: 'allow' });
  });

  it('Android 14: another user\u2019s copy of an app stays apart', () => {
    const r = read(A14);
    expect(r.warnings).toEqual([]);
    const own = r.parsed.uids.find((u) => u.uid === 'u0a214');
    const work = r.parsed.uids.find((u) => u.uid === 'u10a214');
    expect(own?.userId).toBe(0);
    expect(work?.userId).toBe(10);
    expect(own?.packages[0]?.ops.find((o) => o.op === 'FINE_LOCATION')?.lastAccess).toBe(
      '2024-05-20 09:54:37.973',
    );
    expect(work?.packages[0]?.ops.find((o) => o.op === 'FINE_LOCATION')?.lastAccess).toBe(
      '2024-05-20 10:20:00.000',
    );
    expect(own?.packages[0]?.ops.find((o) => o.op === 'RECORD_AUDIO')?.lastAccess).toBe(
      '2024-05-19 08:26:01.111',
    );
  });

  it('Android 15: longer capability string, an op in "ignore" with only rejects', () => {
    const r = read(A15);
    expect(r.warnings).toEqual([]);
    expect(r.latest).toEqual({
      'com.google.android.apps.fitness': {
        BODY_SENSORS: '2025-01-10 07:00:01.250',
        READ_CALL_LOG: '2025-01-09 22:10:00.000',
      },
    });
    const cam = r.parsed.uids[0]?.packages[0]?.ops.find((o) => o.op === 'CAMERA');
    expect(cam).toMatchObject({ mode: 'ignore', lastReject: '2025-01-10 09:59:59.000' });
  });

  it('warns when the dump was cut short by the dumpsys timeout', () => {
    const cut = `${A13.slice(0, A13.indexOf('  Uid u0a190:'))}*** SERVICE 'appops' DUMP TIMEOUT (10000ms) EXPIRED ***\n`;
    const r = read(cut);
    expect(r.warnings.join('\n')).toMatch(/stopped printing/);
    // what came before the cut is still read
    expect(r.latest['com.life360.android.safetymapd']?.FINE_LOCATION).toBe(
      '2024-02-27 15:38:58.964',
    );
  });
});

describe('parseAppOpsDump on the generated fixture phones', () => {
  const fixture = (phone: string) =>
    read(
      readFileSync(join(process.cwd(), 'fixtures', 'devices', phone, 'dumpsys-appops.txt'), 'utf8'),
    );

  it('infected-a12: the stalkerware used location minutes ago and the microphone within the hour', () => {
    const r = fixture('infected-a12');
    expect(r.warnings).toEqual([]);
    // the phone's "now" is 2024-04-16 14:05:00 local (BST)
    const spy = r.latest['com.systemservice'] ?? {};
    expect(spy.FINE_LOCATION! > '2024-04-16 13:58:00.000').toBe(true);
    expect(spy.RECORD_AUDIO! > '2024-04-16 13:05:00.000').toBe(true);
    expect(spy.READ_SMS!.startsWith('2024-04-16')).toBe(true);
    expect(spy.READ_CALL_LOG!.startsWith('2024-04-16')).toBe(true);
    expect(spy.CAMERA!.startsWith('2024-04-15')).toBe(true);
    const hidden = r.latest['com.device.health.service'] ?? {};
    expect(hidden.FINE_LOCATION! > '2024-04-16 13:55:00.000').toBe(true);
  });

  it('every full phone parses without warnings', () => {
    for (const phone of [
      'clean-pixel14',
      'infected-a12',
      'dualuse-pixel7',
      'old-a10',
      'spyware-gone-a10',
    ]) {
      const r = fixture(phone);
      expect(r.warnings, phone).toEqual([]);
      expect(r.parsed.uids.length, phone).toBeGreaterThan(20);
    }
  });
});
