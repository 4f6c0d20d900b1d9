/** HTTP API `POST /tasks/{taskId}/decision`: the only function that sends task results to the workflows. */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createHttpHandler } from '../../src/api/lambda';
// Every call sends a task result: load the Step Functions wiring at init, not on the first call.
import '../../src/bundle-seams/decide-wiring';

const route = createHttpHandler('decide');

export const handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => route(event);
