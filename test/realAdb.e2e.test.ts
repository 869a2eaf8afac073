/**
 * Real Debian adb server → simulated adbd (ADB transport protocol over TCP)
 * → adbkit → collector → Snapshot. The same facts must come out as through
 * the in-process fake adb server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdbClient } from '../src/device/android/adbServer.js';
import { collectAndroid } from '../src/device/android/collector.js';
import { ReadOnlyAndroidPhone } from '../src/device/android/phone.js';
import { loadProfile } from '../src/sim/android/device.js';
import { type FakeAdbd, startFakeAdbd } from '../src/sim/android/fakeAdbd.js';
import { hasAdb, startRealAdbServer } from '../src/sim/android/realAdb.js';
import { androidCollectOptions, assembleAndroidSnapshot } from '../src/snapshot/android.js';
import { forbiddenRequests, runCli } from './helpers.js';

describe.skipIf(!hasAdb)(
  'real adb → simulated phone (skipped: /usr/bin/adb is not installed)',
  () => {
    let server: Awaited<ReturnType<typeof startRealAdbServer>>;
    let phone: FakeAdbd;
    let locked: FakeAdbd;
    let serial = '';

    beforeAll(async () => {
      server = await startRealAdbServer();
      phone = await startFakeAdbd({ profile: await loadProfile('infected-a12') });
      locked = await startFakeAdbd({ profile: await loadProfile('unauthorized-a13') });
      serial = `127.0.0.1:${phone.port}`;
      await server.connect(serial);
      await server.connect(`127.0.0.1:${locked.port}`, 'unauthorized');
    });

    afterAll(async () => {
      await server?.stop();
      await phone?.close();
      await locked?.close();
    });

    it('collects the infected phone with adbkit through the real adb server', async () => {
      const client = createAdbClient(
        { host: '127.0.0.1', port: server.port, source: 'test' },
        '/bin/false',
      );
      const ro = new ReadOnlyAndroidPhone(client, serial);
      const collection = await collectAndroid(ro, androidCollectOptions());
      const snapshot = assembleAndroidSnapshot(collection, { name: 'spycheck', version: 'test' });

      expect(snapshot.complete).toBe(true);
      expect(snapshot.device.model).toBe('SM-A125F');
      expect(snapshot.apps).toHaveLength(108);
      const hidden = snapshot.apps.find((a) => a.id === 'com.device.health.service');
      expect(hidden?.launcher).toBe('hidden');
      expect(hidden?.certs?.length).toBeGreaterThan(0);
      const renamed = snapshot.apps.find((a) => a.id === 'com.dailyplanner.notes');
      expect(renamed?.certs?.[0]?.sha1).toBe('6BDB2CB7B0D9472A9791BAC4839B0B3276E502D3');
      expect(snapshot.accessibilityServices.map((c) => c.package)).toContain(
        'com.device.health.service',
      );
      expect(snapshot.checks.filter((c) => c.status === 'not-checked')).toEqual([]);

      expect(phone.log.filter('shell').length).toBeGreaterThan(10);
      expect(phone.log.filter('sync').some((e) => e.request.startsWith('RECV '))).toBe(true);
      expect(forbiddenRequests(phone.log.entries)).toEqual([]);
    });

    it('lists both phones with their state through "spycheck devices", asking neither anything', async () => {
      const shellsBefore = phone.log.filter('shell').length;
      const r = await runCli(['devices', '--json'], {
        ANDROID_ADB_SERVER_PORT: String(server.port),
      });
      // no consent has been given yet: the model comes from the adb banner
      expect(phone.log.filter('shell').length).toBe(shellsBefore);
      expect(locked.log.filter('shell')).toEqual([]);
      expect(r.code).toBe(0);
      const { devices } = JSON.parse(r.stdout) as {
        devices: { platform: string; serial: string; state: string; model?: string }[];
      };
      expect(devices).toContainEqual({
        platform: 'android',
        serial,
        state: 'device',
        model: 'SM_A125F',
      });
      expect(devices).toContainEqual({
        platform: 'android',
        serial: `127.0.0.1:${locked.port}`,
        state: 'unauthorized',
      });
    });

    it('refuses to guess which phone to scan, and explains an unauthorized one', async () => {
      const env = { ANDROID_ADB_SERVER_PORT: String(server.port), SPYCHECK_ADB_BIN: '/bin/false' };
      const several = await runCli(['scan', '--format', 'json'], env);
      expect(several.code).toBe(2);
      expect(several.stderr).toMatch(/More than one phone[\s\S]*--serial/);
      const refused = await runCli(['scan', '--serial', `127.0.0.1:${locked.port}`], env);
      // the phone has not accepted this computer: its own exit code (6), as for an iPhone
      expect(refused.code).toBe(6);
      expect(refused.stderr).toMatch(/Allow/);
      expect(locked.log.filter('shell')).toEqual([]);
    });
  },
);
