/** EventBridge `Object Created` on the dossier bucket → one dossier-review execution per object version. */
import type { EventBridgeEvent } from 'aws-lambda';
import { config } from '../../src/config';
import { defaultWorkflow } from '../../src/adapters/sfn';
import { routeUpload, type ObjectCreatedDetail } from '../../src/usecases/intake/route-upload';

export const handler = async (event: EventBridgeEvent<'Object Created', ObjectCreatedDetail>) =>
  routeUpload({ workflow: defaultWorkflow(), stateMachineArn: config.dossierReviewArn }, event.detail);
