/**
 * One size of the growth suite in a fresh process, so its peak memory is its own:
 *
 *   tsx bench/lib/growth-child.ts publish N   render + write a round of N cases
 *   tsx bench/lib/growth-child.ts intake N    N dossiers through the intake use cases (parse,
 *                                              validate, store-case) on DynamoDB Local, one after
 *                                              another, with an in-memory object store
 *
 * Prints one JSON line: { ms, peakRssBytes } — time of the measured part only; memory is the
 * peak resident set of this process and its children (DynamoDB Local's JVM for intake).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { renderSite } from '../../src/domain/site';
import { startDynamoDbLocal, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb';
import { createDocumentClient } from '../../src/store/client';
import { tableDefinition } from '../../src/store/schema';
import { Store } from '../../src/store/store';
import { OutboxNotifier } from '../../src/adapters/outbox-notifier';
import { systemClock } from '../../src/ports/clock';
import { workflowCharter } from '../../test/support/charters';
import { MemoryObjectStore } from '../../test/support/fakes';
import { parseUpload } from '../../src/usecases/intake/parse';
import { validateSubmission } from '../../src/usecases/intake/validate';
import { storeCase } from '../../src/usecases/intake/store-case';
import { syntheticSnapshot } from '../fixtures/rounds';
import { intakeItems } from '../suites/intake';
import { samplePeakRss } from './procmem';

async function publish(n: number): Promise<() => Promise<void>> {
  const snapshot = syntheticSnapshot(n);
  const out = mkdtempSync(join(tmpdir(), 'casebook-growth-publish-'));
  return async () => {
    const { files } = renderSite(snapshot, { baseUrl: 'https://cases.example.org/' });
    for (const [path, file] of files) {
      const target = join(out, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.body);
    }
    rmSync(out, { recursive: true, force: true });
  };
}

async function intake(n: number): Promise<{ work: () => Promise<void>; cleanup: () => Promise<void> }> {
  const db = await startDynamoDbLocal({ inMemory: true });
  const client = new DynamoDBClient({ endpoint: db.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  await client.send(new CreateTableCommand(tableDefinition('growth')));
  const store = new Store({ doc: createDocumentClient(client), tableName: 'growth' });
  const objects = new MemoryObjectStore();
  const deps = { store, objects, clock: systemClock, notifier: new OutboxNotifier(store, systemClock) };
  const number = 900;
  const roundId = 'growth';
  const far = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  // the workflow tests' charter, cut to what intake at scale needs: one criterion, one reviewer
  const charter = workflowCharter({
    number,
    submissionDeadline: far(30),
    reviewDeadline: far(60),
    rubric: {
      maxScore: 10,
      criteria: [
        {
          id: 'impact',
          name: { zh: '實效性', en: 'Impact' },
          weight: 1,
          descriptors: [{ min: 0, max: 10, text: { zh: '實效', en: 'effect' } }],
        },
      ],
    },
    panel: [{ id: 'rev-1', name: '評審', jurisdictions: [], declaredConflicts: [] }],
    reviewersPerCase: 1,
    quorum: 1,
    quotas: { total: 20, perLevel: {} },
  });
  await store.rounds.createRound({
    roundId,
    charter,
    status: 'OPEN',
    createdAt: new Date().toISOString(),
    openedAt: new Date().toISOString(),
  });
  const items = intakeItems(n, number).map((item) => {
    const submissionId = randomUUID();
    const key = `dossiers/${roundId}/${item.d.unit.code}/${submissionId}/${item.fileName}`;
    objects.put(key, item.bytes);
    return { key, submissionId };
  });
  return {
    async work() {
      for (const item of items) {
        await parseUpload(deps, { bucket: 'dossiers', key: item.key });
        const v = await validateSubmission(deps, { roundId, submissionId: item.submissionId });
        if (!v.valid) throw new Error(`growth: ${item.key} invalid`);
        const stored = await storeCase(deps, { roundId, submissionId: item.submissionId });
        if (!stored.stored) throw new Error(`growth: ${item.key} not stored: ${stored.reason}`);
      }
    },
    async cleanup() {
      client.destroy();
      await db.stop();
    },
  };
}

const [kind, size] = process.argv.slice(2);
const n = Number(size);
if ((kind !== 'publish' && kind !== 'intake') || !Number.isInteger(n) || n <= 0) throw new Error('usage: growth-child.ts publish|intake N');
let work: () => Promise<void>;
let cleanup = async () => {};
if (kind === 'publish') work = await publish(n);
else ({ work, cleanup } = await intake(n));
const memory = samplePeakRss(process.pid, 100);
const t0 = performance.now();
await work();
const ms = performance.now() - t0;
const peak = memory.stop();
await cleanup();
process.stdout.write(`${JSON.stringify({ ms, peakRssBytes: peak.peakBytes })}\n`);
process.exit(0);
