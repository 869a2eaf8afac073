import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Adb } from '../../device/android/adbkit.js';
import { runSim } from './run.js';

const tiny = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'tiny-phone');

/** Starts runSim on a free port and waits for its instructions. */
async function startSim(adbd: boolean, costs?: boolean) {
  let text = '';
  const stderr = { write: (s: string) => (text += s) };
  const controller = new AbortController();
  const done = runSim(tiny, {
    port: 0,
    adbd,
    stderr,
    signal: controller.signal,
    ...(costs ? { costs } : {}),
  });
  for (let i = 0; i < 100 && !text.includes('Ctrl-C'); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  return { done, stop: () => controller.abort(), output: () => text };
}

describe('runSim', () => {
  it('runs a fake adb server, says how to reach it, and stops on request', async () => {
    const sim = await startSim(false);
    const port = Number(/ANDROID_ADB_SERVER_PORT=(\d+) spycheck scan/.exec(sim.output())?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(sim.output()).toContain(`adb -P ${port} devices -l`);
    expect(sim.output()).toContain('Serial: SIMTINY0001');
    const client = Adb.createClient({ host: '127.0.0.1', port, bin: '/bin/false' });
    expect(await client.listDevices()).toEqual([{ id: 'SIMTINY0001', type: 'device' }]);
    sim.stop();
    await sim.done;
    expect(sim.output()).toMatch(/stopped after 1 requests/);
    await expect(client.listDevices()).rejects.toThrow();
  });

  it('runs a fake adbd and prints the adb connect line', async () => {
    const sim = await startSim(true);
    expect(sim.output()).toMatch(/adb connect 127\.0\.0\.1:\d+\n/);
    expect(sim.output()).toMatch(/spycheck scan --serial 127\.0\.0\.1:\d+/);
    sim.stop();
    await sim.done;
  });

  it('says when it works as slowly as a real phone', async () => {
    const sim = await startSim(false, true);
    expect(sim.output()).toContain('It works as slowly as a real phone: flash 300 MB/s');
    sim.stop();
    await sim.done;
  });

  it('fails with a clear message for an unknown profile', async () => {
    await expect(runSim('no-such-phone-here', { stderr: { write: () => true } })).rejects.toThrow(
      /no such simulated phone/,
    );
  });
});
