import { describe, expect, it } from 'vitest';
import { adbServerAddress } from './adbServer.js';

describe('adb server address from the environment', () => {
  it('defaults to 127.0.0.1:5037', () => {
    expect(adbServerAddress({})).toMatchObject({ host: '127.0.0.1', port: 5037 });
  });
  it('reads ANDROID_ADB_SERVER_PORT', () => {
    expect(adbServerAddress({ ANDROID_ADB_SERVER_PORT: '15037' })).toMatchObject({ port: 15037 });
  });
  it('prefers ADB_SERVER_SOCKET=tcp:HOST:PORT', () => {
    expect(
      adbServerAddress({ ADB_SERVER_SOCKET: 'tcp:10.0.2.2:5038', ANDROID_ADB_SERVER_PORT: '1' }),
    ).toMatchObject({ host: '10.0.2.2', port: 5038, source: 'ADB_SERVER_SOCKET' });
    expect(adbServerAddress({ ADB_SERVER_SOCKET: 'tcp:5040' })).toMatchObject({
      host: '127.0.0.1',
      port: 5040,
    });
  });
  it('explains bad values instead of guessing', () => {
    expect(() => adbServerAddress({ ADB_SERVER_SOCKET: 'localfilesystem:/tmp/x' })).toThrow(
      /tcp:HOST:PORT/,
    );
    expect(() => adbServerAddress({ ANDROID_ADB_SERVER_PORT: 'abc' })).toThrow(/not a port/);
    expect(() => adbServerAddress({ ANDROID_ADB_SERVER_PORT: '70000' })).toThrow(/valid port/);
  });
});
