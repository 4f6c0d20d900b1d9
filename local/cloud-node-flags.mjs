// The V8 flags of every process that hosts the local cloud: `casebook demo` / `dev` (and so
// `npm start`) through cli/casebook.mjs, and the benchmarks' cloud process (bench/lib/cloud.ts),
// so that the cloud measured is the cloud people run. Plain JavaScript: cli/casebook.mjs reads it
// before any TypeScript loader is up.
//
// Node 24 sizes the young generation for a large machine (64 MiB semi-spaces, up to 128 MiB of
// new space): under the 500-dossier intake this thread's heap had ~35–55 MiB live but ~166 MiB
// committed. The runtime thread was already bounded the same way (runtimeHeapLimits in
// lambda.ts: 12 MiB young generation); the main thread gets 4 MiB semi-spaces. Heap limits can
// only be set when the process starts (v8.setFlagsFromString at run time does not resize them).
export const CLOUD_NODE_FLAGS = ['--max-semi-space-size=4'];
