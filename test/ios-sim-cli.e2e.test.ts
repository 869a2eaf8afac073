/** `spycheck sim ios PROFILE`: the CLI's refusals (running it is covered by src/sim/ios/run.test.ts). */
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

describe('spycheck sim ios', () => {
  it('names an unknown iOS profile and exits 1', async () => {
    const r = await runCli([
      'sim',
      'ios',
      'ios-no-such-phone',
      '--socket',
      '/tmp/spycheck-never.sock',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /Could not run the simulated iPhone: .*no such simulated phone "ios-no-such-phone"/,
    );
  });

  it('refuses a TCP usbmuxd address (the sim listens on a unix socket)', async () => {
    const r = await runCli(['sim', 'ios', 'ios-clean'], {
      USBMUXD_SOCKET_ADDRESS: '127.0.0.1:27015',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unix socket only\. Use --socket PATH/);
  });

  it('knows no other platforms', async () => {
    const r = await runCli(['sim', 'windows', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('spycheck sim ios PROFILE');
  });
});
