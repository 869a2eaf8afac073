import { describe, expect, it } from 'vitest';
import { ANDROID_COMMANDS } from './commands.js';
import { withoutContent, withoutPacketLog } from './contentFilter.js';

const BT = ANDROID_COMMANDS.bluetoothManager;
const dump = [
  'Bonded devices:',
  '  E8:3A:12:66:B0:4D [ DUAL ] Galaxy Watch5 (9F21)',
  '--- BEGIN:BTSNOOP_LOG_SUMMARY (14123 bytes in) ---',
  'AAAAAABCRFNOT09QAAAAAAEAAAPq',
  'bWVzc2FnZSB0ZXh0IG9uIHRoZSB3YXRjaA==',
  '--- END:BTSNOOP_LOG_SUMMARY ---',
  'Bluetooth Status',
  '',
].join('\n');

describe('withoutContent', () => {
  it('leaves out the Bluetooth packet log and says how much was left out', () => {
    const out = withoutContent(BT, Buffer.from(dump)).toString();
    expect(out).not.toContain('bWVzc2FnZSB0ZXh0');
    expect(out).not.toContain('BTSNOOP');
    expect(out).toContain('Galaxy Watch5 (9F21)');
    expect(out).toContain('Bluetooth Status');
    expect(out).toMatch(/\[spycheck left out \d+ bytes here: the Bluetooth packet log/);
  });
  it('leaves out everything after a block that never ends (an answer cut short)', () => {
    const cut = dump.slice(0, dump.indexOf('--- END'));
    const out = withoutContent(BT, Buffer.from(cut)).toString();
    expect(out).not.toContain('bWVzc2FnZSB0ZXh0');
    expect(out).toContain('Galaxy Watch5');
  });
  it('keeps every other answer byte for byte', () => {
    const other = Buffer.from(dump);
    expect(withoutContent(ANDROID_COMMANDS.dumpsysAccount, other)).toBe(other);
    const noLog = Buffer.from('Bonded devices:\n');
    expect(withoutContent(BT, noLog)).toBe(noLog);
  });
  it('leaves it out of any text, such as an acquisition holding every dump in one file', () => {
    const all = Buffer.from(
      `DUMP OF SERVICE account:\nAccounts: 1\n${dump}DUMP OF SERVICE user:\n`,
    );
    const out = withoutPacketLog(all).toString();
    expect(out).not.toContain('bWVzc2FnZSB0ZXh0');
    expect(out).toContain('DUMP OF SERVICE user:');
  });
});
