import { createServer, type Server, type Socket } from 'node:net';

/**
 * Start a TCP server for a simulated phone; port 0 picks a free one.
 * close() cuts every open connection first, as pulling the cable would.
 */
export async function listenTcp(
  handle: (socket: Socket) => void,
  host = '127.0.0.1',
  port = 0,
): Promise<{ server: Server; host: string; port: number; close(): Promise<void> }> {
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    server,
    host,
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
