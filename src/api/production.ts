/**
 * The API's dependencies wired to AWS (or to the local cloud through AWS_ENDPOINT_URL_*).
 * Built once per process on first use, so importing a handler needs no environment yet.
 *
 * Every route reads the table, so the DynamoDB store loads at init. The S3 presigner serves one
 * route (an upload slot), Step Functions two (closing a round; a decision, which has its own
 * function): they are loaded by `import()` on the first call that needs them, and the bundler
 * puts them in chunks of their own, so the read routes' cold start does not compile them.
 * The decide function imports src/bundle-seams/decide-wiring statically: every one of its calls sends a task
 * result, so it keeps the Step Functions client in its init.
 */
import { randomUUID } from 'node:crypto';
import { config } from '../config';
import { defaultStore } from '../store/client';
import type { S3UploadPresigner } from '../adapters/upload-presigner';
import type { ApiDeps, UsersPort } from '../usecases/api/ports';
import type { UserDirectory } from '../ports/user-directory';

let deps: ApiDeps | undefined;

export function productionDeps(): ApiDeps {
  if (deps) return deps;
  const store = defaultStore();
  let presigner: S3UploadPresigner | undefined;
  deps = {
    store,
    uploads: {
      presignPut: async (input) => {
        if (!presigner) {
          const { S3UploadPresigner, presignerClient } = await import('../adapters/upload-presigner');
          presigner ??= new S3UploadPresigner(presignerClient(), config.dossierBucket);
        }
        return presigner.presignPut(input);
      },
    },
    workflows: {
      async startFinalization(roundId) {
        const arn = config.roundFinalizationArn;
        // one finalization per round: the name makes a retried close harmless
        const name = `f-${roundId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
        const { defaultWorkflow } = await import('../adapters/sfn');
        const out = await defaultWorkflow().startExecution(arn, name, { roundId });
        return out.executionArn ?? `${arn.replace(':stateMachine:', ':execution:')}:${name}`;
      },
    },
    decide: async (actor, taskId, body) => (await import('../bundle-seams/decide-wiring')).decideWithWorkflow(actor, taskId, body),
    now: () => new Date(),
    newId: () => randomUUID(),
    siteBaseUrl: config.siteBaseUrl,
    ...usersPort(),
  };
  return deps;
}

/**
 * The accounts: Cognito where the stack set USER_POOL_ID, the local cloud's directory where it
 * set CASEBOOK_LOCAL_USERS_DIR, none otherwise. Loaded on the first users call (its own chunk),
 * like the presigner, so the other routes' cold start does not compile the Cognito client.
 */
function usersPort(): { users?: UsersPort } {
  const poolId = config.userPoolId;
  const localDir = config.localUsersDir;
  if (!poolId && !localDir) return {};
  let loading: Promise<UserDirectory> | undefined;
  const load = () =>
    (loading ??= poolId
      ? import('../adapters/cognito-user-directory').then(
          ({ CognitoUserDirectory, cognitoClient }) => new CognitoUserDirectory(cognitoClient(), poolId),
        )
      : import('../../local/user-directory').then(({ LocalUserDirectory }) => new LocalUserDirectory(localDir)));
  const directory: UserDirectory = {
    find: async (username) => (await load()).find(username),
    list: async () => (await load()).list(),
    upsert: async (input) => (await load()).upsert(input),
    setEnabled: async (username, enabled) => (await load()).setEnabled(username, enabled),
    resendInvite: async (username) => (await load()).resendInvite(username),
  };
  return {
    users: {
      directory,
      readWorkbook: async (bytes) => (await import('../adapters/xlsx-rows')).readXlsxRows(bytes),
    },
  };
}
