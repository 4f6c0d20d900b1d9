/**
 * The local cloud in a process of its own, for the benchmarks: its memory is then the memory of
 * this process tree alone, and its boot is timed from spawn. Prints one JSON line when ready,
 * then answers JSON-line commands on stdin: `counts` (metering.json written and printed),
 * `stats`, `stop`.
 *
 *   tsx bench/lib/cloud-child.ts DATA_DIR [--meter]
 */
import { readFileSync, writeFileSync } from 'node:fs';
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
function runtimeTemplate(): string {
  const path = ensureSynthesized({ log: () => undefined });
  const template = JSON.parse(readFileSync(path, 'utf8')) as { Resources: Record<string, { Type: string; Metadata?: Record<string, unknown> }> };
  const deployTime = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function' && typeof r.Metadata?.['casebook:function'] !== 'string');
  if (deployTime.length === 0) return path;
  for (const [id] of deployTime) delete template.Resources[id];
  const out = join(dirname(path), 'Casebook.bench-runtime.template.json');
  writeFileSync(out, JSON.stringify(template));
  return out;
}

const synthStarted = performance.now();
const templatePath = runtimeTemplate();
// synthesis happens once per change of the sources, not at every boot: reported apart
const synthMs = performance.now() - synthStarted;
const started = performance.now();
const cloud = await startLocalCloud({ dataDir, quiet: true, templatePath });
const bootMs = performance.now() - started;
let metering: Metering | undefined;
if (flags.includes('--meter')) metering = await meterLocalCloud(cloud);

const send = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
send({ ready: true, bootMs, synthMs, pid: process.pid, endpoints: cloud.endpoints, env: cloud.env, stateMachines: Object.fromEntries(cloud.topology.stateMachines.map((m) => [m.name, m.arn])) });

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
    } else if (command.cmd === 'stop') {
      send({ ok: true });
      await stop();
    } else send({ ok: false, error: `unknown command ${command.cmd}` });
  } catch (err) {
    send({ ok: false, error: (err as Error).message });
  }
}
