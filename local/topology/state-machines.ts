/** The stack's state machines, each with its ASL document and its DefinitionSubstitutions applied. */
import { localStateMachineArn, TopologyError } from './names';
import type { Json, TemplateReader } from './template';

export interface StateMachineSpec {
  logicalId: string;
  name: string;
  arn: string;
  /** The ASL document with substitutions applied. */
  definition: Record<string, unknown>;
}

export function stateMachinesOf(t: TemplateReader): StateMachineSpec[] {
  return t.byType('AWS::StepFunctions::StateMachine').map(([id, r]) => {
    const name = t.name(id);
    const context = `state machine ${name} (${id})`;
    const p = r.Properties ?? {};
    let text: string;
    if (p.DefinitionString !== undefined) text = t.asString(p.DefinitionString, context);
    else if (p.Definition !== undefined) text = JSON.stringify(t.resolveValue(p.Definition, context));
    else throw new TopologyError(`${context} has no definition (DefinitionS3Location is not supported locally)`);
    const substitutions = (p.DefinitionSubstitutions ?? {}) as Record<string, Json>;
    for (const [key, value] of Object.entries(substitutions)) {
      const local = t.resolveValue(value, `${context} substitution ${key}`);
      text = text.split('${' + key + '}').join(String(local));
    }
    const left = /\$\{([A-Za-z0-9_]+)\}/.exec(text);
    if (left) throw new TopologyError(`${context}: placeholder \${${left[1]}} has no DefinitionSubstitution`);
    return { logicalId: id, name, arn: localStateMachineArn(name), definition: JSON.parse(text) as Record<string, unknown> };
  });
}
