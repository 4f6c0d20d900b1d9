// s3rver in its own small Node process. It runs with --openssl-legacy-provider because s3rver
// 3.7.1 encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 refuses otherwise
// (listings past one page would fail); the rest of the local cloud keeps the default provider.
// Plain .mjs (no TypeScript loader) so it starts fast. Bucket events go to the parent over IPC.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver');
const { makeStoreAtomic } = require('./s3rver-store.cjs');

const config = JSON.parse(process.argv[2]);
// Staging files sit beside the store (renames stay on one filesystem) but outside it (not a bucket).
makeStoreAtomic(require('s3rver/lib/stores/filesystem'), `${config.directory}.staging`);
const server = new S3rver({
  address: '127.0.0.1',
  port: config.port,
  directory: config.directory,
  silent: true,
  configureBuckets: config.buckets,
  // path-style on an IP endpoint; virtual hosts would need DNS for <bucket>.127.0.0.1
  vhostBuckets: false,
});
server.on('event', (event) => {
  process.send?.({ type: 'event', event });
});
// Our parent owns us: when it goes away (even by SIGKILL) the IPC channel closes and we exit.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => {
  server.close().finally(() => process.exit(0));
});

try {
  const address = await server.run();
  // as the other local servers (see leaveIdleConnectionsToClients in net.ts): idle keep-alive
  // connections are closed by the clients, so none is closed under a request being sent
  server.httpServer.keepAliveTimeout = 0;
  process.send?.({ type: 'ready', port: address.port });
} catch (err) {
  process.send?.({ type: 'error', message: String(err?.message ?? err) });
  process.exit(1);
}
