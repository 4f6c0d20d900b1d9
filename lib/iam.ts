import { Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
// cdk-nag names IAM5 findings by this flattening of the resolved ARN; using the same function
// lets an acknowledgement name exactly one resource instead of a whole rule.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';

/** The cdk-nag finding id for a wildcard resource in a policy: `AwsSolutions-IAM5[Resource::…]`. */
export function wildcardFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}]`;
}

export interface Permission {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /**
   * Required when a resource contains `*` (an object prefix such as `dossiers/*`, or an API with
   * no resource-level permissions): the reason is recorded as the acknowledgement of exactly that
   * cdk-nag finding on this role.
   */
  readonly wildcardReason?: string;
}

/**
 * Adds one explicit statement to a role (no `grant*` helper: those widen actions to `s3:GetObject*`,
 * `s3:List*`…) and acknowledges each wildcard resource individually with its reason.
 */
export function allow(role: IRole, permission: Permission): void {
  role.addToPrincipalPolicy(new PolicyStatement({ actions: [...permission.actions], resources: [...permission.resources] }));
  for (const action of permission.actions) {
    if (action.includes('*')) throw new Error(`allow(): wildcard action ${action} is not allowed; list the actions`);
  }
  for (const resource of permission.resources) {
    const finding = wildcardFinding(role, resource);
    if (!finding.includes('*', 'AwsSolutions-IAM5[Resource::'.length)) continue;
    if (!permission.wildcardReason) {
      throw new Error(`allow(): ${finding} needs a wildcardReason`);
    }
    Validations.of(role).acknowledge({ id: finding, reason: permission.wildcardReason });
  }
}

/** The execution role of a function; every casebook function has one (CasebookFunction creates it). */
export function roleOf(fn: IFunction): IRole {
  if (!fn.role) throw new Error(`${fn.node.path} has no role to grant to`);
  return fn.role;
}
