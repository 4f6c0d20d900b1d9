import { App, Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, it } from '@jest/globals';
import { expect } from '../support/expect';
import {
  actionsOf,
  functionIds,
  mentions,
  ofType,
  resourcesOf,
  roleOfFunction,
  statementsOfRole,
  synthesize,
  type Statement,
  type Synthesized,
} from './support';

let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

const statementsOf = (name: string): Statement[] => {
  const id = functionIds(s.resources).get(name);
  if (!id) throw new Error(`no function ${name}`);
  return statementsOfRole(s.resources, roleOfFunction(s.resources, id));
};
const resourceId = (type: string, prefix: string) => {
  const found = ofType(s.resources, type).find(([id]) => id.startsWith(prefix));
  if (!found) throw new Error(`no ${type} ${prefix}*`);
  return found[0];
};
const can = (name: string, action: string, logicalId?: string) =>
  statementsOf(name).some(
    (st) => actionsOf(st).includes(action) && (logicalId === undefined || resourcesOf(st).some((r) => mentions(r, logicalId))),
  );
const touches = (name: string, logicalId: string) => statementsOf(name).some((st) => resourcesOf(st).some((r) => mentions(r, logicalId)));

describe('least privilege', () => {
  it('the publisher cannot touch the dossier bucket', () => {
    expect(touches('publisher', resourceId('AWS::S3::Bucket', 'DossierIntakeDossierBucket'))).toBe(false);
    expect(can('publisher', 's3:PutObject', resourceId('AWS::S3::Bucket', 'PublicationSiteBucket'))).toBe(true);
  });

  it('parse-dossier cannot write (or even read) the site bucket, and reads only dossiers/ and writes only parsed/', () => {
    expect(touches('parse-dossier', resourceId('AWS::S3::Bucket', 'PublicationSiteBucket'))).toBe(false);
    const s3 = statementsOf('parse-dossier').filter((st) => actionsOf(st).some((a) => a.startsWith('s3:')));
    const reads = s3.filter((st) => actionsOf(st).includes('s3:GetObject'));
    const writes = s3.filter((st) => actionsOf(st).includes('s3:PutObject'));
    expect(JSON.stringify(reads.map((st) => st.Resource))).toMatch(/\/dossiers\/\*/);
    expect(JSON.stringify(reads.map((st) => st.Resource))).not.toMatch(/parsed|reports/);
    expect(JSON.stringify(writes.map((st) => st.Resource))).toMatch(/\/parsed\/\*/);
    expect(JSON.stringify(writes.map((st) => st.Resource))).not.toMatch(/dossiers|reports/);
  });

  it('only decide may send task results to the workflows', () => {
    const senders = new Set<string>();
    for (const [, policy] of ofType(s.resources, 'AWS::IAM::Policy')) {
      for (const st of policy.Properties?.PolicyDocument?.Statement ?? []) {
        if (actionsOf(st).some((a) => a.startsWith('states:SendTask') || a === 'states:*')) {
          for (const role of policy.Properties!.Roles) senders.add(role.Ref);
        }
      }
    }
    const decideRole = roleOfFunction(s.resources, functionIds(s.resources).get('decide')!);
    expect([...senders]).toEqual([decideRole]);
  });

  it('only intake-router starts dossier reviews, only api starts round finalization', () => {
    const review = resourceId('AWS::StepFunctions::StateMachine', 'ReviewWorkflowDossierReview');
    const finalization = resourceId('AWS::StepFunctions::StateMachine', 'ReviewWorkflowRoundFinalization');
    for (const name of functionIds(s.resources).keys()) {
      expect(can(name, 'states:StartExecution', review), name).toBe(name === 'intake-router');
      expect(can(name, 'states:StartExecution', finalization), name).toBe(name === 'api');
    }
  });

  it('only the publisher invalidates CloudFront; only notifying functions send email, from the sender identity', () => {
    const notifying = ['record-rejection', 'open-task', 'handle-timeout', 'remind-overdue', 'api'];
    for (const name of functionIds(s.resources).keys()) {
      expect(can(name, 'cloudfront:CreateInvalidation'), name).toBe(name === 'publisher');
      const ses = statementsOf(name).filter((st) => actionsOf(st).some((a) => a.startsWith('ses:')));
      expect(ses.length > 0, name).toBe(notifying.includes(name));
      for (const st of ses) {
        expect(actionsOf(st)).toEqual(['ses:SendEmail']);
        expect(JSON.stringify(st.Resource)).toContain(':identity/');
        expect(resourcesOf(st)).toHaveLength(1);
        expect(mentions(st.Resource, resourceId('AWS::SES::EmailIdentity', 'NotificationsSender'))).toBe(true);
      }
    }
  });

  it('no function may Scan the table; read-only functions cannot write it', () => {
    const table = resourceId('AWS::DynamoDB::Table', 'CaseStore');
    for (const name of functionIds(s.resources).keys()) {
      expect(can(name, 'dynamodb:Scan'), name).toBe(false);
    }
    for (const name of ['check-round', 'collect-objections', 'publisher']) {
      for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
        expect(can(name, write, table), `${name} ${write}`).toBe(false);
      }
      expect(can(name, 'dynamodb:Query', table), name).toBe(true);
    }
    expect(touches('intake-router', table)).toBe(false);
  });

  it('no policy grants a wildcard action', () => {
    for (const [id, policy] of ofType(s.resources, 'AWS::IAM::Policy')) {
      for (const st of policy.Properties?.PolicyDocument?.Statement ?? []) {
        if (st.Effect !== 'Allow') continue;
        for (const action of actionsOf(st)) {
          // CDK's own statements for state-machine logging and X-Ray are listed below by name.
          expect(action.includes('*') && !['logs:*', 'xray:*'].includes(action), `${id}: ${action}`).toBe(false);
        }
      }
    }
  });

  it('remind-overdue may use the table and send email, and nothing else: no bucket, no workflow, no Scan', () => {
    const table = resourceId('AWS::DynamoDB::Table', 'CaseStore');
    const statements = statementsOf('remind-overdue');
    const actions = new Set(statements.flatMap((st) => actionsOf(st)));
    for (const action of actions) {
      expect(/^(dynamodb|ses|logs|xray|sqs):/.test(action), action).toBe(true);
    }
    // SQS only for the house failure destination every function has.
    const failures = resourceId('AWS::SQS::Queue', 'ObservabilityFunctionFailures');
    for (const st of statements.filter((st) => actionsOf(st).some((a) => a.startsWith('sqs:')))) {
      expect(
        resourcesOf(st).every((r) => mentions(r, failures)),
        JSON.stringify(st.Resource),
      ).toBe(true);
    }
    for (const needed of ['dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'ses:SendEmail'])
      expect(actions.has(needed), needed).toBe(true);
    expect(actions.has('dynamodb:Scan')).toBe(false);
    expect(can('remind-overdue', 'dynamodb:UpdateItem', table)).toBe(true);
    for (const bucket of ['DossierIntakeDossierBucket', 'PublicationSiteBucket']) {
      expect(touches('remind-overdue', resourceId('AWS::S3::Bucket', bucket)), bucket).toBe(false);
    }
  });

  it('each state machine may invoke exactly the functions its definition substitutes', () => {
    for (const [id, machine] of ofType(s.resources, 'AWS::StepFunctions::StateMachine')) {
      const substituted = Object.values(machine.Properties!.DefinitionSubstitutions as Record<string, { 'Fn::GetAtt': [string, string] }>)
        .map((v) => v['Fn::GetAtt'][0])
        .sort();
      const roleId = (machine.Properties!.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const invokable = statementsOfRole(s.resources, roleId)
        .filter((st) => actionsOf(st).includes('lambda:InvokeFunction'))
        .flatMap((st) => resourcesOf(st))
        .map((r) => (r as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0])
        .sort();
      expect(invokable, id).toEqual(substituted);
      expect(substituted.length, id).toBeGreaterThan(0);
    }
  });
});

describe('cdk-nag (AwsSolutions and Serverless packs)', () => {
  it('reports no unacknowledged finding', () => {
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const result = pack.validateScope(s.app);
      const summary = result.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
      expect(summary).toEqual([]);
    }
  });

  it('would report findings (the packs are live, not silenced wholesale)', () => {
    const app = new App();
    const stack = new Stack(app, 'Probe');
    new Bucket(stack, 'Careless');
    const ids = new AwsSolutionsChecks().validateScope(app).violations.map((v) => v.ruleName);
    expect(ids).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });

  it('every acknowledgement names one finding, is scoped below the stack, and gives a reason', () => {
    const acknowledgements: Array<{ path: string; id: string; reason: string }> = [];
    const visit = (node: IConstruct) => {
      for (const entry of node.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        const data = entry.data as Record<string, string>;
        expect(Object.keys(data)).toHaveLength(1);
        for (const [id, reason] of Object.entries(data)) acknowledgements.push({ path: node.node.path, id, reason });
      }
      node.node.children.forEach(visit);
    };
    visit(s.app);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const ack of acknowledgements) {
      expect(ack.path.split('/').length, `${ack.id} at ${ack.path}`).toBeGreaterThan(1);
      expect(ack.reason.length, ack.id).toBeGreaterThan(30);
      expect(ack.id.replace(/^annotation::/i, '')).toMatch(/^(AwsSolutions|Serverless)-[A-Za-z0-9]+(\[[^\]]+\])?$/);
      // A wildcard acknowledgement names the one resource it is about.
      if (ack.id.includes('IAM5')) expect(ack.id).toMatch(/\[Resource::.+\]$/);
    }
  });
});
