/** Small network helpers shared by the local cloud's parts. */
import type { Server } from 'node:http';
import { createServer } from 'node:net';

/**
 * Makes a local HTTP server leave idle keep-alive connections for its clients to close. Node's
 * server closes one after 5 s idle; a client that sends its next request on it at that moment
 * (late timers on a busy machine make this common) gets ECONNRESET before the server saw the
 * request: "socket hang up" from the SDK (which retries), "fetch failed" from fetch (which does
 * not retry a POST). Clients close idle connections themselves (fetch after 4 s; the SDK's
 * agents keep theirs open), so with no server-side timeout nobody closes a connection in use.
 */
export function leaveIdleConnectionsToClients<S extends Server>(server: S): S {
  server.keepAliveTimeout = 0;
  return server;
}

/** Asks the kernel for a free TCP port on 127.0.0.1 (released before returning, so bind it soon). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the address of a probe socket'));
        return;
      }
      const port = address.port;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
