import { describe, expect, it } from 'vitest';
import { doctorVerdict } from './doctor.js';

describe('doctorVerdict', () => {
  it('counts what to fix first, then says how many phones can be read', () => {
    expect(
      doctorVerdict([
        { ok: false, title: 'adb server' },
        { ok: false, title: 'Rule packs' },
        { ok: true, title: 'iPhone X', ready: true },
      ]),
    ).toBe('2 things to fix before a scan (marked FAIL above).');
    expect(
      doctorVerdict([
        { ok: 'warn', title: 'adb is not installed' },
        { ok: true, title: 'iPhone X', ready: true },
      ]),
    ).toBe('Ready to scan: 1 phone can be read now ("spycheck scan").');
    expect(doctorVerdict([{ ok: 'warn', title: 'No phone connected' }])).toMatch(
      /^Ready to scan once a phone is connected/,
    );
  });
});
