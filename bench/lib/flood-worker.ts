/**
 * The objection flood's posts, sent from a worker thread of the load harness (bench/load.ts): the
 * harness's own thread times the office's reads, and a flood generated on it delayed those timings
 * by its own work (every post and reply handled on the thread that reads the clock).
 *
 * Open loop: a source does not wait for answers, as an abuser would not.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { call, closeAgents, sleep, type Reply } from './load-client';

export interface FloodPlan {
  api: string;
  roundId: string;
  cases: string[];
  sources: number;
  perSource: number;
  windowMs: number;
}

const FLOOD_TEXTS = [
  '這個案例是假的，評選不公平，強烈要求撤銷！！',
  '反對反對反對，請立即撤下此案例，此案例不應入選。',
  '此單位的做法根本沒有實施過，材料造假，請徹查。',
];

/** 4 in 10 the same text again, 4 in 10 varied, 1 a list of links, 1 a run of one character. */
export function floodBody(cases: readonly string[], source: number, k: number): { caseId: string; text: string } {
  const caseId = cases[(source + k) % cases.length]!;
  const kind = k % 10;
  if (kind < 4) return { caseId: cases[0]!, text: FLOOD_TEXTS[source % FLOOD_TEXTS.length]! };
  if (kind < 8) return { caseId, text: `${FLOOD_TEXTS[k % FLOOD_TEXTS.length]}（來源${source}第${k}次）` };
  if (kind === 8) return { caseId, text: `請看 ${[1, 2, 3, 4, 5, 6].map((n) => `https://spam${source}.example/${k}/${n}`).join(' ')}` };
  return { caseId, text: `抗議${'！'.repeat(40)}` };
}

/** What a reply was: a filed objection, a gateway throttle, a folded repeat, or the coded refusal. */
export function codeOf(r: Reply): string {
  try {
    const body = r.json();
    return (
      body?.error?.code ?? (body?.message === 'Too Many Requests' ? 'GATEWAY_THROTTLED' : body?.repeat ? 'REPEAT' : `HTTP_${r.status}`)
    );
  } catch {
    const m = /錯誤代碼：<code>([A-Z_]+)<\/code>/.exec(r.text);
    return m ? m[1]! : `HTTP_${r.status}`;
  }
}

export async function sendFlood(plan: FloodPlan): Promise<{ codes: string[]; errors: string[]; ms: number }> {
  const t0 = performance.now();
  const codes: string[] = [];
  const errors: string[] = [];
  await Promise.all(
    Array.from({ length: plan.sources }, async (_, s) => {
      const from = `127.0.0.${11 + s}`;
      const inflight: Promise<void>[] = [];
      for (let k = 0; k < plan.perSource; k++) {
        const wait = t0 + (k * plan.windowMs) / plan.perSource + (s * plan.windowMs) / plan.perSource / plan.sources - performance.now();
        if (wait > 0) await sleep(wait);
        inflight.push(
          call('POST', `${plan.api}/rounds/${plan.roundId}/objections`, { from, json: floodBody(plan.cases, s, k) }).then(
            (r) => void codes.push(r.status === 201 ? 'FILED' : codeOf(r)),
            (err: Error) => void errors.push(err.message),
          ),
        );
      }
      await Promise.all(inflight);
    }),
  );
  return { codes, errors, ms: performance.now() - t0 };
}

if (parentPort && (workerData as { flood?: FloodPlan } | undefined)?.flood) {
  const port = parentPort;
  void sendFlood((workerData as { flood: FloodPlan }).flood).then(
    (result) => {
      closeAgents();
      port.postMessage({ ok: true, result });
    },
    (err: Error) => port.postMessage({ ok: false, error: err.stack ?? err.message }),
  );
}
