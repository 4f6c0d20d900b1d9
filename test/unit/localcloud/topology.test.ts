import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildTopology, TopologyError } from '../../../local/topology';

let assembly: string;
beforeAll(() => {
  assembly = mkdtempSync(join(tmpdir(), 'casebook-topology-'));
  mkdirSync(join(assembly, 'asset.api'));
  writeFileSync(join(assembly, 'asset.api', 'index.mjs'), 'export const handler = async () => ({});\n');
});
afterAll(() => rmSync(assembly, { recursive: true, force: true }));

const casebookFunction = {
  Type: 'AWS::Lambda::Function',
  Properties: { Handler: 'index.handler', Timeout: 29, MemorySize: 512, Environment: { Variables: { TABLE_NAME: 'cases' } } },
  Metadata: { 'casebook:function': 'api', 'aws:asset:path': 'asset.api' },
};
/** What CDK's BucketDeployment adds: a Python handler with no casebook metadata, called only by its custom resource. */
const deploymentHandler = {
  Type: 'AWS::Lambda::Function',
  Properties: { Handler: 'index.handler', Runtime: 'python3.13' },
  Metadata: { 'aws:asset:path': 'asset.python-handler' },
};
const deployment = {
  Type: 'Custom::CDKBucketDeployment',
  Properties: { ServiceToken: { 'Fn::GetAtt': ['CustomCDKBucketDeploymentHandler', 'Arn'] }, DestinationBucketKeyPrefix: 'console/' },
};

describe('buildTopology and custom resources', () => {
  it('leaves out a function that only serves a custom resource (the console deployment), keeping the casebook functions', () => {
    const topology = buildTopology(
      {
        Resources: { ApiFunction: casebookFunction, CustomCDKBucketDeploymentHandler: deploymentHandler, ConsoleDeployment: deployment },
      } as never,
      assembly,
    );
    expect(topology.functions.map((f) => [f.logicalId, f.name])).toEqual([['ApiFunction', 'api']]);
    expect(topology.functions[0]!.environment).toEqual({ TABLE_NAME: 'cases' });
  });

  it('still refuses a function without casebook metadata that no custom resource calls', () => {
    expect(() => buildTopology({ Resources: { ApiFunction: casebookFunction, Stray: deploymentHandler } } as never, assembly)).toThrow(
      TopologyError,
    );
    expect(() => buildTopology({ Resources: { ApiFunction: casebookFunction, Stray: deploymentHandler } } as never, assembly)).toThrow(
      /Stray has no casebook:function metadata/,
    );
  });
});

describe('buildTopology and the stage throttles', () => {
  it('gives each route its route setting, else the stage default, as API Gateway meters them', () => {
    const integration = {
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: { IntegrationUri: { 'Fn::GetAtt': ['ApiFunction', 'Arn'] }, PayloadFormatVersion: '2.0' },
    };
    const route = (key: string) => ({
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: { RouteKey: key, Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'Integration' }]] }, AuthorizationType: 'NONE' },
    });
    const stage = {
      Type: 'AWS::ApiGatewayV2::Stage',
      Properties: {
        StageName: '$default',
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        RouteSettings: { 'POST /rounds/{roundId}/objections': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 } },
      },
    };
    const topology = buildTopology(
      {
        Resources: {
          ApiFunction: casebookFunction,
          Integration: integration,
          Public: route('POST /rounds/{roundId}/objections'),
          Staff: route('GET /tasks'),
          Stage: stage,
        },
      } as never,
      assembly,
    );
    const byKey = Object.fromEntries(topology.routes.map((r) => [`${r.method} ${r.path}`, r.throttle]));
    expect(byKey).toEqual({
      'POST /rounds/{roundId}/objections': { rateLimit: 10, burstLimit: 20 },
      'GET /tasks': { rateLimit: 50, burstLimit: 100 },
    });
  });
});
