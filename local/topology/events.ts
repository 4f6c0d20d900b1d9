/** The stack's EventBridge rules: event patterns and `rate(...)` schedules, each with its targets. */
import { TopologyError } from './names';
import type { Json, TemplateReader } from './template';

export type Target = { kind: 'function'; name: string } | { kind: 'stateMachine'; arn: string };
export interface RuleSpec {
  logicalId: string;
  pattern: Record<string, unknown>;
  targets: Target[];
}
/** A scheduled rule (`ScheduleExpression`). Only `rate(...)` is supported locally; `cron(...)` fails the topology. */
export interface ScheduleSpec {
  logicalId: string;
  expression: string;
  /** The rule's period as deployed. */
  rateMs: number;
  targets: Target[];
}

function targetOf(t: TemplateReader, arn: Json, context: string): Target {
  const id = t.referencedId(arn);
  if (!id) throw new TopologyError(`${context}: target ${JSON.stringify(arn)} is not a resource of this stack`);
  const r = t.resource(id, context);
  if (r.Type === 'AWS::Lambda::Function') return { kind: 'function', name: t.name(id) };
  if (r.Type === 'AWS::StepFunctions::StateMachine') return { kind: 'stateMachine', arn: t.arnOf(id, context) };
  throw new TopologyError(`${context}: target type ${r.Type} is not supported locally`);
}

function targetsOf(t: TemplateReader, properties: Record<string, Json> | undefined, context: string): Target[] {
  return ((properties?.Targets ?? []) as { Arn: Json }[]).map((target) => targetOf(t, target.Arn, context));
}

/** The enabled rules that have the given property: an event pattern, or a schedule. */
function enabledRules(t: TemplateReader, property: 'EventPattern' | 'ScheduleExpression') {
  return t.byType('AWS::Events::Rule').filter(([, r]) => r.Properties?.[property] !== undefined && r.Properties?.State !== 'DISABLED');
}

export function rulesOf(t: TemplateReader): RuleSpec[] {
  return enabledRules(t, 'EventPattern').map(([id, r]) => {
    const context = `rule ${id}`;
    const targets = targetsOf(t, r.Properties, context);
    return { logicalId: id, pattern: t.resolveValue(r.Properties!.EventPattern, context) as Record<string, unknown>, targets };
  });
}

export function schedulesOf(t: TemplateReader): ScheduleSpec[] {
  return enabledRules(t, 'ScheduleExpression').map(([id, r]) => {
    const context = `rule ${id}`;
    const expression = t.asString(r.Properties!.ScheduleExpression, context);
    const targets = targetsOf(t, r.Properties, context);
    return { logicalId: id, expression, rateMs: rateMs(expression, context), targets };
  });
}

const RATE_UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * The period of an EventBridge `rate(value unit)` expression in milliseconds. `cron(...)` is not
 * supported locally (it would need a calendar scheduler; the stack uses rates only), so it and
 * anything malformed are refused with the rule named.
 */
export function rateMs(expression: string, context = 'schedule'): number {
  if (/^cron\(/.test(expression)) throw new TopologyError(`${context}: ${expression}: only rate(...) schedules run locally, not cron(...)`);
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  const value = match ? Number(match[1]) : 0;
  const unit = match?.[2]!.replace(/s$/, '');
  // EventBridge's own rule: 1 takes the singular unit, anything else the plural.
  if (!match || value < 1 || (value === 1) !== (match[2] === unit))
    throw new TopologyError(`${context}: ${expression} is not a rate(value unit) expression`);
  return value * RATE_UNIT_MS[unit!]!;
}
