/**
 * Reading a synthesized CloudFormation template: resources by type, the local name of every
 * resource a reference can point at, and the intrinsics the stack uses (Ref, Fn::GetAtt, Fn::Join,
 * Fn::Sub, Fn::Select, Fn::Split) resolved to local values. The per-kind modules beside this one
 * build their specs through it; a reference that points nowhere throws.
 */
import { FUNCTION_NAME_METADATA } from '../../lib/project';
import {
  API_HOST_PLACEHOLDER,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  LOCAL_USER_POOL_ISSUER,
  localFunctionArn,
  localNameFor,
  localStateMachineArn,
  SITE_HOST_PLACEHOLDER,
  TopologyError,
} from './names';

export type Json = unknown;
export interface CfnResource {
  Type: string;
  Properties?: Record<string, Json>;
  Metadata?: Record<string, Json>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

export const TABLE_TYPES = ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'];

export class TemplateReader {
  readonly resources: Record<string, CfnResource>;
  /** Local names first: every reference resolves to one of these. */
  readonly names = new Map<string, string>();
  /** The stack's own functions (CDK's custom-resource handlers left out). */
  readonly lambdaFunctions: [string, CfnResource][];

  constructor(template: CfnTemplate) {
    this.resources = template.Resources ?? {};
    for (const [id, r] of this.byType('AWS::S3::Bucket')) this.nameOf(id, r.Properties?.BucketName);
    for (const [id, r] of this.byType(...TABLE_TYPES)) this.nameOf(id, r.Properties?.TableName);
    // CDK's custom-resource handlers (the console's bucket deployment) act only while CloudFormation
    // deploys; the local cloud deploys nothing, so they are not local functions.
    const serviceTokens = new Set(
      Object.values(this.resources)
        .filter((r) => r.Type.startsWith('Custom::'))
        .map((r) => JSON.stringify(r.Properties?.ServiceToken ?? null)),
    );
    const isCustomResourceHandler = (id: string, r: CfnResource): boolean =>
      typeof r.Metadata?.[FUNCTION_NAME_METADATA] !== 'string' && serviceTokens.has(JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }));
    this.lambdaFunctions = this.byType('AWS::Lambda::Function').filter(([id, r]) => !isCustomResourceHandler(id, r));
    for (const [id, r] of this.lambdaFunctions) {
      const name = r.Metadata?.[FUNCTION_NAME_METADATA];
      if (typeof name !== 'string') throw new TopologyError(`function ${id} has no ${FUNCTION_NAME_METADATA} metadata`);
      this.names.set(id, name);
    }
    for (const [id, r] of this.byType('AWS::StepFunctions::StateMachine')) this.nameOf(id, r.Properties?.StateMachineName);
  }

  private nameOf(logicalId: string, explicit: Json): string {
    const name = typeof explicit === 'string' ? explicit : localNameFor(logicalId);
    this.names.set(logicalId, name);
    return name;
  }

  byType(...types: string[]): [string, CfnResource][] {
    return Object.entries(this.resources).filter(([, r]) => types.includes(r.Type));
  }

  resource(logicalId: string, context: string): CfnResource {
    const r = this.resources[logicalId];
    if (!r) throw new TopologyError(`${context} refers to ${logicalId}, which is not in the template`);
    return r;
  }

  /** The local name of a resource named in the first pass (buckets, tables, functions, state machines). */
  name(logicalId: string): string {
    return this.names.get(logicalId)!;
  }

  arnOf(logicalId: string, context: string): string {
    const r = this.resource(logicalId, context);
    const name = this.names.get(logicalId);
    switch (r.Type) {
      case 'AWS::Lambda::Function':
        return localFunctionArn(name!);
      case 'AWS::StepFunctions::StateMachine':
        return localStateMachineArn(name!);
      case 'AWS::S3::Bucket':
        return `arn:aws:s3:::${name}`;
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${name}`;
      default:
        return `arn:aws:local:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${r.Type}/${logicalId}`;
    }
  }

  /** Resolves the intrinsics the stack uses in environments, substitutions and patterns. */
  resolveValue(value: Json, context: string): Json {
    if (Array.isArray(value)) return value.map((v) => this.resolveValue(v, context));
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, Json>;
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const arg = obj[key];
      switch (key) {
        case 'Ref':
          return this.resolveRef(arg as string, context);
        case 'Fn::GetAtt': {
          const [id, attr] = (typeof arg === 'string' ? arg.split('.') : arg) as [string, string];
          return this.resolveGetAtt(id, attr, context);
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, Json[]];
          return (parts.map((p) => this.resolveValue(p, context)) as Json[]).map(String).join(sep);
        }
        case 'Fn::Sub': {
          const [text, vars] = (typeof arg === 'string' ? [arg, {}] : arg) as [string, Record<string, Json>];
          return text.replace(/\$\{([^}]+)\}/g, (_m, ref: string) => {
            if (ref in vars) return String(this.resolveValue(vars[ref], context));
            if (ref.includes('.')) return String(this.resolveValue({ 'Fn::GetAtt': ref.split('.') }, context));
            return String(this.resolveValue({ Ref: ref }, context));
          });
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number, Json];
          const resolved = this.resolveValue(list, context) as Json[];
          return resolved[Number(index)];
        }
        case 'Fn::Split': {
          const [sep, text] = arg as [string, Json];
          return String(this.resolveValue(text, context)).split(sep);
        }
        default:
          if (key.startsWith('Fn::')) throw new TopologyError(`${context}: intrinsic ${key} is not supported locally`);
      }
    }
    return Object.fromEntries(keys.map((k) => [k, this.resolveValue(obj[k], context)]));
  }

  private resolveRef(id: string, context: string): Json {
    if (id === 'AWS::Region') return LOCAL_REGION;
    if (id === 'AWS::AccountId') return LOCAL_ACCOUNT;
    if (id === 'AWS::Partition') return 'aws';
    if (id === 'AWS::URLSuffix') return 'amazonaws.com';
    if (id === 'AWS::StackName') return 'Casebook';
    if (id === 'AWS::NoValue') return undefined;
    const r = this.resource(id, context);
    if (r.Type === 'AWS::StepFunctions::StateMachine') return this.arnOf(id, context);
    // No CDN locally: an empty distribution id tells the publisher there is nothing to invalidate.
    if (r.Type === 'AWS::CloudFront::Distribution') return '';
    // No Cognito locally: an empty pool id tells the API to use the local cloud's own directory.
    if (r.Type === 'AWS::Cognito::UserPool') return '';
    if (this.names.has(id)) return this.names.get(id);
    return `local-${id}`;
  }

  private resolveGetAtt(id: string, attr: string, context: string): Json {
    const r = this.resource(id, context);
    if (attr === 'Arn') return this.arnOf(id, context);
    if (attr === 'StreamArn') return `${this.arnOf(id, context)}/stream/local`;
    if (attr === 'DomainName' && r.Type === 'AWS::CloudFront::Distribution') return SITE_HOST_PLACEHOLDER;
    if (attr === 'ApiEndpoint' && r.Type === 'AWS::ApiGatewayV2::Api') return `https://${API_HOST_PLACEHOLDER}`;
    if (attr === 'RegionalDomainName' || attr === 'DomainName') return `${this.names.get(id)}.local`;
    if (attr === 'Name') return this.names.get(id) ?? id;
    // The user pool's issuer: the local provider's stable one (local/issuer.ts).
    if (attr === 'ProviderURL' && r.Type === 'AWS::Cognito::UserPool') return LOCAL_USER_POOL_ISSUER;
    throw new TopologyError(`${context}: Fn::GetAtt ${id}.${attr} has no local meaning`);
  }

  asString(value: Json, context: string): string {
    const resolved = this.resolveValue(value, context);
    if (typeof resolved !== 'string') throw new TopologyError(`${context}: expected a string, got ${JSON.stringify(resolved)}`);
    return resolved;
  }

  /** The logical id a `Ref`/`GetAtt`/ARN-join points at (for targets and integrations). */
  referencedId(value: Json): string | undefined {
    if (value && typeof value === 'object') {
      const obj = value as Record<string, Json>;
      if (typeof obj.Ref === 'string') return obj.Ref;
      if (obj['Fn::GetAtt']) {
        const arg = obj['Fn::GetAtt'];
        return (typeof arg === 'string' ? arg.split('.')[0] : (arg as string[])[0]) as string;
      }
      if (obj['Fn::Join']) {
        for (const part of (obj['Fn::Join'] as [string, Json[]])[1]) {
          const id = this.referencedId(part);
          if (id) return id;
        }
      }
    }
    return undefined;
  }
}
