// The Lambda runtime of the local cloud: one worker thread that imports the deployed bundles and
// calls their handlers. Plain .mjs, started without the parent's loaders (tsx, jest's transform), so the
// bundles load exactly as Node loads them on Lambda, without a TypeScript transform of megabytes of
// minified JavaScript (which multiplied memory several times over).
import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

const handlers = new Map();

function load(bundle, exportName) {
  const key = `${bundle}#${exportName}`;
  let loading = handlers.get(key);
  if (!loading) {
    loading = import(pathToFileURL(bundle).href).then((mod) => {
      const fn = mod[exportName];
      if (typeof fn !== 'function') throw new Error(`${bundle} exports no function ${exportName}`);
      return fn;
    });
    handlers.set(key, loading);
  }
  return loading;
}

parentPort.on('message', async (message) => {
  if (message.type === 'preload') {
    try {
      await load(message.bundle, message.exportName);
      parentPort.postMessage({ id: message.id, ok: true });
    } catch (err) {
      parentPort.postMessage({ id: message.id, ok: false, error: serializeError(err) });
    }
    return;
  }
  const { id, bundle, exportName, event, context } = message;
  const deadline = Date.now() + context.remainingMs;
  const ctx = {
    ...context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    const handler = await load(bundle, exportName);
    const result = await handler(event, ctx);
    parentPort.postMessage({ id, ok: true, result: result === undefined ? null : result });
  } catch (err) {
    parentPort.postMessage({ id, ok: false, error: serializeError(err) });
  }
});

function serializeError(err) {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: 'Error', message: String(err) };
}
