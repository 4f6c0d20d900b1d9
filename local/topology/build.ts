/**
 * The local cloud's topology, read from the synthesized CloudFormation template (cdk.out) so that
 * the stack is described once. Each resource kind has its module beside this one; this one reads
 * the template and assembles them in a fixed order, so the first wiring mistake reported is stable.
 *
 * Every reference is resolved against local names; one that points nowhere (or at a resource of
 * the wrong kind) throws, so a wiring mistake in the stack fails here too.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TableSpec } from '../dynamodb';
import { apiCorsOf, routesOf, type ApiCors, type RouteSpecLocal } from './api';
import { bucketsOf, type BucketSpec } from './buckets';
import { rulesOf, schedulesOf, type RuleSpec, type ScheduleSpec } from './events';
import { functionsOf, sharedEnvironment, type FunctionSpec } from './functions';
import { siteHeadersOf, siteIndexDocumentOf, type SiteHeaders } from './site';
import { stateMachinesOf, type StateMachineSpec } from './state-machines';
import { streamMappingsOf, type StreamMappingSpec } from './streams';
import { tablesOf } from './tables';
import { TemplateReader, type CfnTemplate } from './template';

export interface Topology {
  templatePath: string;
  buckets: BucketSpec[];
  tables: TableSpec[];
  functions: FunctionSpec[];
  stateMachines: StateMachineSpec[];
  rules: RuleSpec[];
  schedules: ScheduleSpec[];
  streamMappings: StreamMappingSpec[];
  routes: RouteSpecLocal[];
  /** Response headers the CloudFront distribution adds (CSP, HSTS, …). */
  siteHeaders: SiteHeaders;
  siteIndexDocument: string;
  /** CORS of the HTTP API, when the stack configures it. */
  apiCors?: ApiCors;
  /** The union of the functions' environments, resolved to local values. */
  environment: Record<string, string>;
}

export function loadTopology(templatePath: string): Topology {
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as CfnTemplate;
  return buildTopology(template, resolve(templatePath, '..'), templatePath);
}

export function buildTopology(template: CfnTemplate, assemblyDir: string, templatePath = '(inline)'): Topology {
  const t = new TemplateReader(template);
  const buckets = bucketsOf(t);
  const tables = tablesOf(t);
  const functions = functionsOf(t, assemblyDir);
  const stateMachines = stateMachinesOf(t);
  const rules = rulesOf(t);
  const schedules = schedulesOf(t);
  const streamMappings = streamMappingsOf(t);
  const routes = routesOf(t);
  const siteHeaders = siteHeadersOf(t);
  const siteIndexDocument = siteIndexDocumentOf(t);
  const apiCors = apiCorsOf(t);
  const environment = sharedEnvironment(functions);
  return {
    templatePath,
    buckets,
    tables,
    functions,
    stateMachines,
    rules,
    schedules,
    streamMappings,
    routes,
    siteHeaders,
    siteIndexDocument,
    apiCors,
    environment,
  };
}
