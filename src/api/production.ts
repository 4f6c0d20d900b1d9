/**
 * The API's dependencies wired to AWS (or to the local cloud through AWS_ENDPOINT_URL_*).
 * Built once per process on first use, so importing a handler needs no environment yet.
 */
import { randomUUID } from 'node:crypto';
import { config } from '../config';
import { defaultStore } from '../store/client';
import { defaultWorkflow } from '../adapters/sfn';
import { S3UploadPresigner, presignerClient } from '../adapters/upload-presigner';
import type { ApiDeps } from '../usecases/api/ports';
import { decideWithWorkflow } from './decide-wiring';

let deps: ApiDeps | undefined;

export function productionDeps(): ApiDeps {
  if (deps) return deps;
  const store = defaultStore();
  let presigner: S3UploadPresigner | undefined;
  deps = {
    store,
    uploads: {
      presignPut: (input) => {
        presigner ??= new S3UploadPresigner(presignerClient(), config.dossierBucket);
        return presigner.presignPut(input);
      },
    },
    workflows: {
      async startFinalization(roundId) {
        const arn = config.roundFinalizationArn;
        // one finalization per round: the name makes a retried close harmless
        const name = `f-${roundId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
        const out = await defaultWorkflow().startExecution(arn, name, { roundId });
        return out.executionArn ?? `${arn.replace(':stateMachine:', ':execution:')}:${name}`;
      },
    },
    decide: decideWithWorkflow,
    now: () => new Date(),
    newId: () => randomUUID(),
    siteBaseUrl: config.siteBaseUrl,
  };
  return deps;
}
