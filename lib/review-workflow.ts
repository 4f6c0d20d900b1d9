import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { CaseStore } from './case-store';
import { CasebookFunction, PROJECT_ROOT } from './casebook-function';
import type { DossierIntake } from './dossier-intake';
import { allow, wildcardFinding } from './iam';
import type { Notifications } from './notifications';
import { substitutionKey, WORKFLOW_FUNCTIONS } from './workflow-functions';

export { WORKFLOW_FUNCTIONS };

/** How often the overdue sweep runs: reminders land within this of a step's due time. */
export const OVERDUE_SWEEP_RATE = Duration.hours(1);

/** The state-machine files, by construct id. */
export const STATE_MACHINE_FILES = {
  DossierReview: 'statemachines/dossier-review.asl.json',
  RoundFinalization: 'statemachines/round-finalization.asl.json',
} as const;

/** The `${…}` placeholders an ASL file uses. */
export function placeholdersOf(definition: string): string[] {
  return [...new Set([...definition.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]!))].sort();
}

export interface ReviewWorkflowProps {
  readonly store: CaseStore;
  readonly intake: DossierIntake;
  readonly notifications: Notifications;
  readonly functionFailures: IQueue;
  readonly logRetention?: RetentionDays;
}

/**
 * ReviewWorkflow: the dossier-review and round-finalization state machines (Standard: the
 * approval steps are callbacks, which Express lacks), loaded from the same `statemachines/*.asl.json`
 * files the local engine runs, with `${<PascalName>FunctionArn}` substituted. Each machine may
 * invoke exactly the functions its file names; both log to a log group with retention and trace.
 */
export class ReviewWorkflow extends Construct {
  readonly functions: ReadonlyMap<string, CasebookFunction>;
  /** The scheduled `remind-overdue` sweep (no state machine invokes it). */
  readonly overdueReminder: CasebookFunction;
  readonly dossierReview: StateMachine;
  readonly roundFinalization: StateMachine;

  constructor(scope: Construct, id: string, props: ReviewWorkflowProps) {
    super(scope, id);
    const functions = new Map<string, CasebookFunction>();
    for (const [name, spec] of Object.entries(WORKFLOW_FUNCTIONS)) {
      const fn = new CasebookFunction(this, substitutionKey(name).replace(/FunctionArn$/, ''), {
        name,
        description: spec.description,
        memorySize: spec.memorySize,
        timeout: Duration.seconds(spec.timeoutSeconds),
        failureQueue: props.functionFailures,
      });
      if (spec.table === 'read') props.store.bindRead(fn);
      else props.store.bindReadWrite(fn);
      if (spec.objects) props.intake.bindObjects(fn, spec.objects);
      if (spec.notifies) props.notifications.bindSender(fn);
      functions.set(name, fn);
    }
    this.functions = functions;
    this.overdueReminder = this.scheduleOverdueReminders(props);
    this.dossierReview = this.machine('DossierReview', props.logRetention);
    this.roundFinalization = this.machine('RoundFinalization', props.logRetention);
  }

  /** Functions that send notifications (they also need SITE_BASE_URL). */
  get notifyingFunctions(): CasebookFunction[] {
    return [
      ...Object.entries(WORKFLOW_FUNCTIONS)
        .filter(([, spec]) => spec.notifies)
        .map(([name]) => this.functions.get(name)!),
      this.overdueReminder,
    ];
  }

  /**
   * The charter's step timeouts, made to act: the state-machine files keep a fixed ceiling on
   * every callback, so an hourly schedule runs `remind-overdue`, which reminds and escalates the
   * open steps past their charter due time. It reads and claims tasks in the table and notifies;
   * nothing else. A failed run is retried twice by Lambda and then lands in the failure queue; an
   * event EventBridge cannot deliver goes there too, and one older than the next run is dropped
   * (that run covers the same steps).
   */
  private scheduleOverdueReminders(props: ReviewWorkflowProps): CasebookFunction {
    const fn = new CasebookFunction(this, 'RemindOverdue', {
      name: 'remind-overdue',
      description: 'Hourly: reminds whoever must act on approval steps past the charter due time, escalates to the office, once',
      memorySize: 512,
      timeout: Duration.seconds(120),
      failureQueue: props.functionFailures,
    });
    props.store.bindReadWrite(fn);
    props.notifications.bindSender(fn);
    new Rule(this, 'RemindOverdueSchedule', {
      description: "Every hour: remind and escalate approval steps past the round charter's due time",
      schedule: Schedule.rate(OVERDUE_SWEEP_RATE),
      targets: [
        new LambdaFunction(fn, {
          deadLetterQueue: props.functionFailures,
          retryAttempts: 2,
          maxEventAge: OVERDUE_SWEEP_RATE,
        }),
      ],
    });
    return fn;
  }

  private machine(id: keyof typeof STATE_MACHINE_FILES, retention = RetentionDays.SIX_MONTHS): StateMachine {
    const file = STATE_MACHINE_FILES[id];
    const definition = readFileSync(join(PROJECT_ROOT, file), 'utf8');
    const byKey = new Map([...this.functions].map(([name, fn]) => [substitutionKey(name), fn]));
    const substitutions: Record<string, string> = {};
    const invoked: CasebookFunction[] = [];
    for (const placeholder of placeholdersOf(definition)) {
      const fn = byKey.get(placeholder);
      if (!fn) throw new Error(`${file} uses \${${placeholder}}, which names no workflow function`);
      substitutions[placeholder] = fn.functionArn;
      invoked.push(fn);
    }
    const logGroup = new LogGroup(this, `${id}Logs`, { retention, removalPolicy: RemovalPolicy.RETAIN });
    const machine = new StateMachine(this, id, {
      definitionBody: DefinitionBody.fromString(definition),
      definitionSubstitutions: substitutions,
      stateMachineType: StateMachineType.STANDARD,
      tracingEnabled: true,
      // Execution data would put callback task tokens into the logs; the states and errors suffice.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
    if (invoked.length) {
      // Exact function ARNs (no `:*` version wildcard): the files name unqualified functions.
      allow(machine.role, { actions: ['lambda:InvokeFunction'], resources: invoked.map((fn) => fn.functionArn) });
    }
    Validations.of(machine.role).acknowledge({
      id: wildcardFinding(machine.role, '*'),
      reason:
        'CloudWatch Logs vended delivery (logs:*LogDelivery, DescribeLogGroups…) and X-Ray tracing support no resource-level permissions.',
    });
    return machine;
  }
}
