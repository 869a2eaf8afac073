import { describe, expect, it } from 'vitest';
import { pickDevice } from './pickDevice.js';

describe('choosing the phone to scan', () => {
  it('takes the only ready phone', () => {
    const r = pickDevice([{ serial: 'A', state: 'device' }]);
    expect(r).toMatchObject({ ok: true, device: { serial: 'A' } });
  });
  it('lists phones and asks for --serial when several are connected', () => {
    const r = pickDevice([
      { serial: 'A', state: 'device', model: 'Pixel 8' },
      { serial: 'B', state: 'unauthorized' },
    ]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.usage).toBe(true);
      expect(r.message).toMatch(/--serial/);
      expect(r.message).toMatch(/A\s+device\s+Pixel 8/);
      expect(r.message).toMatch(/B\s+unauthorized/);
    }
  });
  it('explains an unauthorized phone in plain words', () => {
    const r = pickDevice([{ serial: 'A', state: 'unauthorized' }]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/Allow/);
  });
  it('says when the chosen serial is not connected', () => {
    const r = pickDevice([{ serial: 'A', state: 'device' }], 'Z');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/"Z".*Connected: A/);
  });
  it('says when nothing is connected', () => {
    const r = pickDevice([]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/USB debugging/);
  });
});
