/**
 * The local cloud in a process of its own, for the benchmarks: its memory is then the memory of
 * this process tree alone, and its boot is timed from spawn. Prints one JSON line when ready,
 * then answers JSON-line commands on stdin: `counts` (metering.json written and printed),
 * `stats`, `stop`; diagnostics: `snapshot DIR`, `profile start`, `profile stop DIR` (CPU profiles of
 * this thread and the runtime thread).
 *
 *   tsx bench/lib/cloud-child.ts DATA_DIR [--meter]
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { startLocalCloud } from '../../local/cloud';
import { ensureSynthesized } from '../../local/topology';
import { collectCounts, meterLocalCloud, writeMeteringFile, type Metering } from '../../local/metering';

const [dataDir, ...flags] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: cloud-child.ts DATA_DIR [--meter]');
/**
 * The template without deploy-time functions (CDK's BucketDeployment and other custom-resource
 * providers carry no `casebook:function` metadata and never run in a round); the local topology
 * reader rejects them at the time of writing. Written beside the original so asset paths resolve.
 */
async function runtimeTemplate(): Promise<string> {
  const path = await ensureSynthesized({ log: () => undefined });
  const template = JSON.parse(readFileSync(path, 'utf8')) as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, unknown> }>;
  };
  const deployTime = Object.entries(template.Resources).filter(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && typeof r.Metadata?.['casebook:function'] !== 'string',
  );
  if (deployTime.length === 0) return path;
  for (const [id] of deployTime) delete template.Resources[id];
  const out = join(dirname(path), 'Casebook.bench-runtime.template.json');
  writeFileSync(out, JSON.stringify(template));
  return out;
}

const synthStarted = performance.now();
const templatePath = await runtimeTemplate();
// synthesis happens once per change of the sources, not at every boot: reported apart
const synthMs = performance.now() - synthStarted;
const started = performance.now();
const cloud = await startLocalCloud({ dataDir, quiet: true, templatePath });
const bootMs = performance.now() - started;
let metering: Metering | undefined;
if (flags.includes('--meter')) metering = await meterLocalCloud(cloud);

const send = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
send({
  ready: true,
  bootMs,
  synthMs,
  pid: process.pid,
  endpoints: cloud.endpoints,
  env: cloud.env,
  stateMachines: Object.fromEntries(cloud.topology.stateMachines.map((m) => [m.name, m.arn])),
});

// Diagnostics (CASEBOOK_MEM_TRACE=FILE): this process's heaps, the runtime thread's and external
// memory appended to FILE every second, to see which of them grows under load.
if (process.env.CASEBOOK_MEM_TRACE) {
  const { getHeapStatistics } = await import('node:v8');
  const mib = (n: number) => Math.round(n / 2 ** 20);
  setInterval(
    () =>
      void (async () => {
        const m = process.memoryUsage();
        const worker = (
          cloud.lambdas as unknown as {
            host: {
              worker?: { getHeapStatistics(): Promise<{ used_heap_size: number; total_heap_size: number; external_memory: number }> };
            };
          }
        ).host.worker;
        const w = worker ? await worker.getHeapStatistics() : undefined;
        const main = getHeapStatistics();
        appendFileSync(
          process.env.CASEBOOK_MEM_TRACE!,
          `${JSON.stringify({ t: Math.round(performance.now()), rss: mib(m.rss), mainUsed: mib(main.used_heap_size), mainTotal: mib(main.total_heap_size), external: mib(m.external), arrayBuffers: mib(m.arrayBuffers), workerUsed: w && mib(w.used_heap_size), workerTotal: w && mib(w.total_heap_size), workerExternal: w && mib(w.external_memory) })}\n`,
        );
      })(),
    1000,
  ).unref();
}

const profiling: { session?: import('node:inspector/promises').Session; worker?: { stop(): Promise<unknown> } } = {};

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  await metering?.stop();
  await cloud.stop();
  process.exit(code);
}
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as { cmd: string };
  try {
    if (command.cmd === 'counts') {
      if (!metering) throw new Error('started without --meter');
      const file = await collectCounts(cloud, metering);
      writeMeteringFile(cloud.dataDir, file);
      send({ ok: true, counts: file });
    } else if (command.cmd === 'stats') {
      send({ ok: true, stats: cloud.stats(), quiescent: cloud.quiescent() });
    } else if (command.cmd.startsWith('snapshot ')) {
      // Diagnostics: heap snapshots of this thread and of the runtime thread, into the folder given.
      const dir = command.cmd.slice('snapshot '.length);
      const { writeHeapSnapshot } = await import('node:v8');
      const { createWriteStream } = await import('node:fs');
      const { pipeline } = await import('node:stream/promises');
      const main = writeHeapSnapshot(join(dir, 'main.heapsnapshot'));
      const worker = (cloud.lambdas as unknown as { host: { worker?: { getHeapSnapshot(): Promise<NodeJS.ReadableStream> } } }).host.worker;
      if (worker) await pipeline(await worker.getHeapSnapshot(), createWriteStream(join(dir, 'worker.heapsnapshot')));
      send({ ok: true, files: [main, join(dir, 'worker.heapsnapshot')] });
    } else if (command.cmd === 'profile start') {
      // Diagnostics: CPU profiles of this thread (inspector) and of the runtime thread, until `profile stop DIR`.
      const { Session } = await import('node:inspector/promises');
      profiling.session = new Session();
      profiling.session.connect();
      await profiling.session.post('Profiler.enable');
      await profiling.session.post('Profiler.start');
      const worker = (cloud.lambdas as unknown as { host: { worker?: { startCpuProfile(): Promise<{ stop(): Promise<unknown> }> } } }).host
        .worker;
      profiling.worker = worker ? await worker.startCpuProfile() : undefined;
      send({ ok: true });
    } else if (command.cmd.startsWith('profile stop ')) {
      const dir = command.cmd.slice('profile stop '.length);
      const session = profiling.session;
      if (!session) throw new Error('no profile running');
      const { profile } = (await session.post('Profiler.stop')) as { profile: unknown };
      session.disconnect();
      profiling.session = undefined;
      writeFileSync(join(dir, 'main.cpuprofile'), JSON.stringify(profile));
      const files = [join(dir, 'main.cpuprofile')];
      if (profiling.worker) {
        const workerProfile = await profiling.worker.stop();
        writeFileSync(join(dir, 'worker.cpuprofile'), typeof workerProfile === 'string' ? workerProfile : JSON.stringify(workerProfile));
        files.push(join(dir, 'worker.cpuprofile'));
        profiling.worker = undefined;
      }
      send({ ok: true, files });
    } else if (command.cmd === 'stop') {
      send({ ok: true });
      await stop();
    } else send({ ok: false, error: `unknown command ${command.cmd}` });
  } catch (err) {
    send({ ok: false, error: (err as Error).message });
  }
}
