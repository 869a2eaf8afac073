import { describe, expect, it } from 'vitest';
import { adbInstallSteps, doctorText, doctorVerdict, withoutDoctorAdvice } from './doctor.js';
import { runWith } from './testContext.test-util.js';

describe('doctorVerdict', () => {
  it('counts what to fix first, then says how many phones can be read', () => {
    expect(
      doctorVerdict([
        { ok: false, title: 'adb server' },
        { ok: false, title: 'Rule packs' },
        { ok: true, title: 'iPhone X', ready: true },
      ]),
    ).toBe(
      '2 things to fix before a scan (marked FAIL above). 1 phone can be read now ("spycheck scan").',
    );
    expect(
      doctorVerdict([
        { ok: 'warn', title: 'adb is not installed here, but an adb server answers' },
        { ok: true, title: 'iPhone X', ready: true },
      ]),
    ).toBe('Ready to scan: 1 phone can be read now ("spycheck scan").');
    expect(doctorVerdict([{ ok: 'warn', title: 'No phone connected' }])).toMatch(
      /^Ready to scan once a phone is connected/,
    );
  });

  it('a missing adb is a thing to fix, for Android phones only', () => {
    expect(doctorVerdict([{ ok: false, androidOnly: true, title: 'adb is not installed' }])).toBe(
      '1 thing to fix before an Android phone can be scanned (marked FAIL above). iPhones do not need it.',
    );
    expect(
      doctorVerdict([
        { ok: false, androidOnly: true, title: 'adb is not installed' },
        { ok: true, title: 'iPhone X', ready: true },
      ]),
    ).toBe(
      '1 thing to fix before an Android phone can be scanned (marked FAIL above). iPhones do not need it. 1 phone can be read now ("spycheck scan").',
    );
  });
});

describe('how to install adb', () => {
  it.each([
    ['linux', 'Linux:'],
    ['darwin', 'macOS:'],
    ['win32', 'Windows:'],
  ] as const)('on %s its own steps come first, then the others', (platform, first) => {
    const steps = adbInstallSteps(platform);
    const headings = steps.filter((l) => /^(Windows|macOS|Linux):$/.test(l));
    expect(headings[0]).toBe(first);
    expect(headings).toHaveLength(3);
  });

  it('names the real packages and the download page', () => {
    const text = adbInstallSteps('linux').join('\n');
    expect(text).toContain('sudo apt install adb');
    expect(text).toContain('sudo dnf install android-tools');
    expect(text).toContain('brew install android-platform-tools');
    expect(text).toContain('winget install Google.PlatformTools');
    expect(text).toContain('https://developer.android.com/tools/releases/platform-tools');
    expect(text).toMatch(/add that folder to PATH/i);
  });
});

describe('doctor output', () => {
  it('never sends the reader back to doctor itself', () => {
    expect(
      withoutDoctorAdvice(
        'Could not reach the adb server. Start it with "adb start-server". "spycheck doctor" checks your set-up.',
      ),
    ).toBe('Could not reach the adb server. Start it with "adb start-server".');
    const text = doctorText([
      { ok: false, title: 'adb server', detail: 'Install adb. Run "spycheck doctor" for help.' },
    ]);
    expect(text).not.toMatch(/spycheck doctor/);
    expect(text).toContain('       Install adb.\n');
  });

  it('prints several lines of steps, keeping their indent', () => {
    const text = doctorText([
      { ok: false, title: 'adb is not installed', detail: ['Linux:', '  sudo apt install adb'] },
    ]);
    expect(text).toBe(
      '[FAIL] adb is not installed\n       Linux:\n         sudo apt install adb\n\n1 thing to fix before a scan (marked FAIL above).\n',
    );
  });

  it('without adb: marked FAIL with the steps, counted once, exit 1', async () => {
    const r = await runWith(['doctor'], {
      env: {
        SPYCHECK_ADB_BIN: '/nonexistent/adb',
        // nothing answers here: no adb server either
        ADB_SERVER_SOCKET: 'tcp:127.0.0.1:1',
      },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '[FAIL] adb is not installed. Android phones cannot be checked without it (iPhones can).',
    );
    expect(r.stdout).toContain('sudo apt install adb');
    expect(r.stdout).not.toContain('[FAIL] adb server');
    expect(r.stdout).not.toMatch(/spycheck doctor/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      '1 thing to fix before an Android phone can be scanned (marked FAIL above). iPhones do not need it.',
    );
  });
});
