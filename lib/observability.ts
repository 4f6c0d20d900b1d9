import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/**
 * A queue that only ever receives what failed for good (Lambda async failures, stream batches
 * that exhausted their retries, undeliverable EventBridge events). It is the end of the line,
 * so it has no dead-letter queue of its own; an alarm on its depth tells a person instead.
 */
export function failureQueue(scope: Construct, id: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the terminal failure destination; a person is alarmed on its depth.',
  });
  Validations.of(queue).acknowledge({
    id: 'Serverless-SQSRedrivePolicy',
    reason: 'This queue is itself the terminal failure destination; nothing consumes it automatically.',
  });
  return queue;
}

export interface ObservabilityProps {
  /** Who receives alarms; without it the topic exists and can be subscribed to later. */
  readonly alarmEmail?: string;
}

/**
 * Observability: one encrypted SNS topic for alarms, the shared failure queue for async Lambda
 * invocations, and `watch*` helpers that put an alarm on each failure signal: failure-queue depth,
 * failed/timed-out/aborted executions per state machine, errors per function.
 */
export class Observability extends Construct {
  readonly alarmTopic: Topic;
  readonly functionFailures: Queue;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    // CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key, so the
    // topic gets its own key whose policy lets CloudWatch use it.
    const key = new Key(this, 'AlarmTopicKey', {
      enableKeyRotation: true,
      description: 'casebook alarm topic',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true, displayName: 'casebook alarms' });
    if (props.alarmEmail) {
      const undeliverable = failureQueue(this, 'AlarmDeliveryFailures');
      this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail, { deadLetterQueue: undeliverable }));
    }
    this.functionFailures = failureQueue(this, 'FunctionFailures');
    this.watchQueue('FunctionFailures', this.functionFailures);
  }

  /** Alarm as soon as anything sits in a failure queue: each message is work that was lost. */
  watchQueue(name: string, queue: Queue): void {
    this.alarm(
      `${name}Depth`,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      `Messages waiting in failure queue ${name}`,
    );
  }

  /** Alarm on failed, timed-out and aborted executions of a workflow. */
  watchStateMachine(name: string, machine: IStateMachine): void {
    const period = Duration.minutes(5);
    this.alarm(`${name}ExecutionsFailed`, machine.metricFailed({ period, statistic: 'Sum' }), `${name}: executions failed`);
    this.alarm(`${name}ExecutionsTimedOut`, machine.metricTimedOut({ period, statistic: 'Sum' }), `${name}: executions timed out`);
    this.alarm(`${name}ExecutionsAborted`, machine.metricAborted({ period, statistic: 'Sum' }), `${name}: executions aborted`);
  }

  /** Alarm on any error of a function (handlers map expected domain errors, so an error is a bug or an outage). */
  watchFunction(name: string, fn: IFunction): void {
    this.alarm(`${name}Errors`, fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), `${name}: invocation errors`);
  }

  private alarm(id: string, metric: import('aws-cdk-lib/aws-cloudwatch').IMetric, description: string): void {
    const alarm = new Alarm(this, id, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
  }
}
