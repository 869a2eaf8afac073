import type { Client } from '@devicefarmer/adbkit';
import { Adb } from './adbkit.js';

export interface AdbServerAddress {
  host: string;
  port: number;
  /** Where the address came from, for messages */
  source: string;
}

/**
 * The adb server address, read the way adb itself reads it, so a user's
 * existing setup works: ADB_SERVER_SOCKET=tcp:HOST:PORT wins over
 * ANDROID_ADB_SERVER_PORT; default 127.0.0.1:5037.
 */
export function adbServerAddress(env: NodeJS.ProcessEnv): AdbServerAddress {
  const socket = env.ADB_SERVER_SOCKET?.trim();
  if (socket) {
    const m = /^tcp:(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(socket);
    if (!m) {
      throw new Error(
        `ADB_SERVER_SOCKET is set to "${socket}", which spycheck cannot use. Use the form tcp:HOST:PORT, for example tcp:127.0.0.1:5037.`,
      );
    }
    const host = (m[1] ?? '127.0.0.1').replace(/^\[|\]$/g, '');
    return {
      host,
      port: checkPort(Number(m[2]), 'ADB_SERVER_SOCKET'),
      source: 'ADB_SERVER_SOCKET',
    };
  }
  const portText = env.ANDROID_ADB_SERVER_PORT?.trim();
  if (portText) {
    if (!/^\d{1,5}$/.test(portText)) {
      throw new Error(
        `ANDROID_ADB_SERVER_PORT is set to "${portText}", which is not a port number.`,
      );
    }
    return {
      host: '127.0.0.1',
      port: checkPort(Number(portText), 'ANDROID_ADB_SERVER_PORT'),
      source: 'ANDROID_ADB_SERVER_PORT',
    };
  }
  return { host: '127.0.0.1', port: 5037, source: 'default' };
}

function checkPort(port: number, name: string): number {
  if (port < 1 || port > 65535) throw new Error(`${name}: ${port} is not a valid port number.`);
  return port;
}

/**
 * An adbkit client. `bin` is what adbkit runs to start a server when none
 * answers; tests and the demo pass a harmless binary so nothing is spawned.
 */
export function createAdbClient(address: AdbServerAddress, bin = 'adb'): Client {
  return Adb.createClient({ host: address.host, port: address.port, bin });
}
