/** HTTP API (all routes but decisions): rounds, submissions, cases, tasks, objections, outbox, audit, OpenAPI. */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createHttpHandler } from '../../src/api/lambda';

const route = createHttpHandler('api');

export const handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => route(event);
