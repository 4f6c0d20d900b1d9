/**
 * The publisher's whole publishing path — the S3 and CloudFront clients, the table client, the
 * site renderer and OpenCC's conversion — loaded by `import()` from `lambdas/publisher/handler.ts`
 * on the first batch that holds a Round or Case record. The table stream carries every item the
 * workflows write (submissions, tasks, reviews, audit, outbox…), so most batches, and the cold
 * starts they cause, never publish and need none of it.
 */
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { S3Client } from '@aws-sdk/client-s3';
import { S3SiteBucket } from '../adapters/site-bucket';
import { CloudFrontSiteInvalidator } from '../adapters/site-invalidator';
import { StorePublicationSource } from '../adapters/site-source';
import { config } from '../config';
import { CaseRepository } from '../store/cases';
import { defaultTable } from '../store/client';
import { RoundRepository } from '../store/rounds';
import { publishSite, type PublishDeps, type PublishResult } from '../usecases/publish';

let deps: PublishDeps | undefined;

/** Created once per process, on the first publish. */
function publishDeps(): PublishDeps {
  if (deps) return deps;
  const distributionId = config.distributionId;
  // s3rver (the local cloud) only understands path-style addressing.
  const s3 = new S3Client(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {});
  deps = {
    source: new StorePublicationSource({ rounds: new RoundRepository(defaultTable()), cases: new CaseRepository(defaultTable()) }),
    bucket: new S3SiteBucket(s3, config.siteBucket),
    ...(distributionId ? { invalidator: new CloudFrontSiteInvalidator(new CloudFrontClient({}), distributionId) } : {}),
  };
  return deps;
}

/** Publishes the whole site from current state (see `publishSite`). */
export function publishFromStore(): Promise<PublishResult> {
  return publishSite(publishDeps(), { baseUrl: config.siteBaseUrl || '/', apiBaseUrl: config.apiBaseUrl || undefined });
}
