/**
 * Builds the Casebook app in process for the infra tests: bundling skipped (no esbuild, no
 * Docker), parameters given as context. `Template.fromStack` runs the registered cdk-nag packs,
 * so building a template already fails on any unacknowledged finding.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../bin/casebook-app';
import { FUNCTION_NAME_METADATA } from '../../lib/project';

export const TEST_PARAMETERS = {
  senderEmail: 'casebook@rd.gd.example.cn',
  alarmEmail: 'ops@rd.gd.example.cn',
} as const;

export interface Synthesized {
  app: ReturnType<typeof createApp>['app'];
  stack: ReturnType<typeof createApp>['stack'];
  template: Template;
  resources: Record<string, CfnResourceJson>;
}

export interface CfnResourceJson {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, any>;
  DependsOn?: string[];
}

export function synthesize(context: Record<string, unknown> = TEST_PARAMETERS): Synthesized {
  const { outdir, ...synthesized } = synthesizeKeepingAssets(context);
  rmSync(outdir, { recursive: true, force: true });
  return synthesized;
}

/** Like `synthesize`, but leaves the cloud assembly (staged assets included) in `outdir` for the caller to read and remove. */
export function synthesizeKeepingAssets(context: Record<string, unknown> = TEST_PARAMETERS): Synthesized & { outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'casebook-infra-'));
  const { app, stack } = createApp({ 'aws:cdk:bundling-stacks': [], ...context }, outdir);
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, CfnResourceJson>;
  return { app, stack, template, resources, outdir };
}

export function ofType(resources: Record<string, CfnResourceJson>, type: string): Array<[string, CfnResourceJson]> {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/**
 * Logical id of each casebook function, by its `casebook:function` name. Functions without that
 * metadata (CDK's own custom-resource handlers) are left out; resources.test.ts names them.
 */
export function functionIds(resources: Record<string, CfnResourceJson>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, r] of ofType(resources, 'AWS::Lambda::Function')) {
    const name = r.Metadata?.[FUNCTION_NAME_METADATA];
    if (typeof name === 'string') out.set(name, id);
  }
  return out;
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every Allow statement attached to a role (inline policies of AWS::IAM::Policy resources). */
export function statementsOfRole(resources: Record<string, CfnResourceJson>, roleId: string): Statement[] {
  const out: Statement[] = [];
  for (const [, policy] of ofType(resources, 'AWS::IAM::Policy')) {
    const roles = (policy.Properties?.Roles ?? []) as Array<{ Ref?: string }>;
    if (!roles.some((r) => r.Ref === roleId)) continue;
    for (const s of policy.Properties?.PolicyDocument?.Statement ?? []) {
      if (s.Effect === 'Allow') out.push(s as Statement);
    }
  }
  return out;
}

export function roleOfFunction(resources: Record<string, CfnResourceJson>, functionId: string): string {
  const role = resources[functionId]?.Properties?.Role as { 'Fn::GetAtt'?: [string, string] };
  const id = role?.['Fn::GetAtt']?.[0];
  if (!id) throw new Error(`function ${functionId} has no role reference`);
  return id;
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** Does a (CloudFormation-shaped) value mention the logical id anywhere? */
export function mentions(value: unknown, logicalId: string): boolean {
  return JSON.stringify(value).includes(`"${logicalId}"`);
}
