/** CloudFront invalidation of the paths a publication changed. */
import { CreateInvalidationCommand, type CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { SiteInvalidator } from '../usecases/publish/ports';

export class CloudFrontSiteInvalidator implements SiteInvalidator {
  constructor(
    private readonly cloudfront: CloudFrontClient,
    private readonly distributionId: string,
  ) {}

  async invalidate(paths: readonly string[], reference: string): Promise<void> {
    if (paths.length === 0) return;
    await this.cloudfront.send(
      new CreateInvalidationCommand({
        DistributionId: this.distributionId,
        InvalidationBatch: {
          // CloudFront treats a repeated CallerReference with the same paths as the same request.
          CallerReference: reference,
          Paths: { Quantity: paths.length, Items: [...paths] },
        },
      }),
    );
  }
}
