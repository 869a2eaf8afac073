import { describe, expect, it } from 'vitest';
import { pickDevice } from './pickDevice.js';

describe('choosing the phone to scan', () => {
  it('takes an iPhone this computer is paired with', () => {
    const r = pickDevice([{ serial: '00008110-001C3D5E2A6B801E', state: 'paired' }]);
    expect(r).toMatchObject({ ok: true, device: { serial: '00008110-001C3D5E2A6B801E' } });
  });
  it('explains an iPhone that is not paired, locked, or no longer trusts this computer', () => {
    const says = (state: string) => {
      const r = pickDevice([{ serial: 'U', state }]);
      return r.ok ? '' : r.message;
    };
    expect(says('not paired')).toMatch(/idevicepair pair.*Trust This Computer/);
    expect(says('locked')).toMatch(/Unlock it/);
    expect(says('pairing refused')).toMatch(/no longer trusts this computer/);
  });
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
