/**
 * A loopback endpoint speaking the Step Functions AWS JSON 1.0 protocol, so unchanged
 * `@aws-sdk/client-sfn` code works against the local engine with
 * `AWS_ENDPOINT_URL_SFN=http://127.0.0.1:<port>`. Requests are not signed-checked: it listens on
 * 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { leaveIdleConnectionsToClients } from '../net';
import type { LocalStepFunctions } from './engine';
import { SfnError } from './errors';

type Operation = (engine: LocalStepFunctions, body: Record<string, unknown>) => unknown;

const str = (body: Record<string, unknown>, key: string): string => {
  const value = body[key];
  if (typeof value !== 'string') throw new SfnError('ValidationException', `1 validation error detected: '${key}' must not be null`);
  return value;
};
const optStr = (body: Record<string, unknown>, key: string): string | undefined =>
  typeof body[key] === 'string' ? (body[key] as string) : undefined;
const optNum = (body: Record<string, unknown>, key: string): number | undefined =>
  typeof body[key] === 'number' ? (body[key] as number) : undefined;

const operations: Record<string, Operation> = {
  StartExecution: (engine, body) =>
    engine.startExecution({ stateMachineArn: str(body, 'stateMachineArn'), name: optStr(body, 'name'), input: optStr(body, 'input') }),
  StopExecution: (engine, body) =>
    engine.stopExecution({ executionArn: str(body, 'executionArn'), error: optStr(body, 'error'), cause: optStr(body, 'cause') }),
  SendTaskSuccess: (engine, body) => engine.sendTaskSuccess({ taskToken: str(body, 'taskToken'), output: str(body, 'output') }),
  SendTaskFailure: (engine, body) =>
    engine.sendTaskFailure({ taskToken: str(body, 'taskToken'), error: optStr(body, 'error'), cause: optStr(body, 'cause') }),
  SendTaskHeartbeat: (engine, body) => engine.sendTaskHeartbeat({ taskToken: str(body, 'taskToken') }),
  DescribeExecution: (engine, body) => engine.describeExecution({ executionArn: str(body, 'executionArn') }),
  ListExecutions: (engine, body) =>
    engine.listExecutions({
      stateMachineArn: optStr(body, 'stateMachineArn'),
      statusFilter: optStr(body, 'statusFilter') as never,
      maxResults: optNum(body, 'maxResults'),
      nextToken: optStr(body, 'nextToken'),
    }),
  GetExecutionHistory: (engine, body) =>
    engine.getExecutionHistory({
      executionArn: str(body, 'executionArn'),
      maxResults: optNum(body, 'maxResults'),
      reverseOrder: body.reverseOrder === true,
      nextToken: optStr(body, 'nextToken'),
    }),
  DescribeStateMachine: (engine, body) => engine.describeStateMachine({ stateMachineArn: str(body, 'stateMachineArn') }),
  ListStateMachines: (engine) => engine.listStateMachines(),
};

/** The wire format carries timestamps as epoch seconds. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toWire(v)]),
    );
  }
  return value;
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': crypto.randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

function sendError(res: ServerResponse, name: string, message: string, status = 400): void {
  send(res, status, { __type: name, message }, name);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(engine: LocalStepFunctions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return sendError(res, 'UnknownOperationException', 'Only POST / is served', 404);
  const target = String(req.headers['x-amz-target'] ?? '');
  const [prefix, operationName] = target.split('.');
  const operation = prefix === 'AWSStepFunctions' && operationName ? operations[operationName] : undefined;
  if (!operation) return sendError(res, 'UnknownOperationException', `Unknown operation ${target}`);
  let body: Record<string, unknown>;
  try {
    const text = await readBody(req);
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return sendError(res, 'SerializationException', 'Request body is not valid JSON');
  }
  try {
    send(res, 200, toWire(operation(engine, body)));
  } catch (error) {
    if (error instanceof SfnError) return sendError(res, error.name, error.message);
    sendError(res, 'InternalFailure', (error as Error).message, 500);
  }
}

export interface SfnServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `engine` on 127.0.0.1 (`port: 0` picks a free port). */
export function startSfnServer(engine: LocalStepFunctions, options: { port?: number; host?: string } = {}): Promise<SfnServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    handle(engine, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 'InternalFailure', (error as Error).message, 500);
    });
  });
  leaveIdleConnectionsToClients(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
