/** Writing a long reply in pieces, so an unplug can cut it mid-output like a real cable pull. */
import type { Socket } from 'node:net';

const PIECE = 16 * 1024;

/** Writes `data` to the socket piece by piece; stops early (returns false) when it is destroyed. */
export async function writePieces(socket: Socket, data: Buffer): Promise<boolean> {
  for (let off = 0; off < data.length; off += PIECE) {
    if (socket.destroyed) return false;
    const more = socket.write(data.subarray(off, off + PIECE));
    if (!more) await drained(socket);
    else await new Promise<void>((r) => setImmediate(r));
  }
  return !socket.destroyed;
}

/** Resolves on 'drain', or when the socket closes first (then the caller sees `destroyed`). */
export function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
