import { createHash } from 'node:crypto';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { StepFunctionsWorkflow } from '../../../src/adapters/sfn';
import type { WorkflowEngine } from '../../../src/ports/workflow';
import { decodeS3Key } from '../../../src/usecases/intake/keys';
import { executionNameFor, routeUpload, type ObjectCreatedDetail } from '../../../src/usecases/intake/route-upload';

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:dossier-review';

/** An engine that records what it was asked to start and remembers names, as Step Functions does. */
function recordingEngine() {
  const started: { name: string; input: unknown }[] = [];
  const engine: WorkflowEngine = {
    startExecution: async (_arn, name, input) => {
      const again = started.some((s) => s.name === name);
      if (!again) started.push({ name, input });
      return { executionArn: `${ARN}:${name}`, alreadyStarted: again };
    },
    sendTaskSuccess: async () => {},
    sendTaskFailure: async () => {},
  };
  return { engine, started };
}

const detail = (key: string, versionId?: string): ObjectCreatedDetail => ({
  bucket: { name: 'casebook-dossiers' },
  object: { key, ...(versionId ? { 'version-id': versionId } : {}) },
});

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('intake-router', () => {
  it("names the execution d- + the first 64 hex of sha256(bucket/key/versionId), within Step Functions' 80 characters", () => {
    const name = executionNameFor('casebook-dossiers', 'dossiers/r6/440103/s1/a.docx', 'v1');
    expect(name).toBe(`d-${sha('casebook-dossiers/dossiers/r6/440103/s1/a.docx/v1').slice(0, 64)}`);
    expect(name).toMatch(/^d-[0-9a-f]{64}$/);
    expect(name.length).toBeLessThanOrEqual(80);
    // Each object version is its own execution; an unversioned object hashes with an empty version.
    expect(executionNameFor('casebook-dossiers', 'dossiers/r6/440103/s1/a.docx', 'v2')).not.toBe(name);
    expect(executionNameFor('casebook-dossiers', 'dossiers/r6/440103/s1/a.docx', undefined)).toBe(
      `d-${sha('casebook-dossiers/dossiers/r6/440103/s1/a.docx/').slice(0, 64)}`,
    );
  });

  it('decodes the event key exactly once: + is a space, %2B a plus, %25 a percent, UTF-8 escapes Chinese', async () => {
    const { engine, started } = recordingEngine();
    const encoded = 'dossiers/r6/440103/s1/%E7%94%B3%E5%A0%B1%E6%9B%B8+v2+%2B+100%2525.docx';
    const out = await routeUpload({ workflow: engine, stateMachineArn: ARN }, detail(encoded, 'v1'));
    const key = 'dossiers/r6/440103/s1/申報書 v2 + 100%25.docx';
    expect(started).toEqual([
      { name: executionNameFor('casebook-dossiers', key, 'v1'), input: { bucket: 'casebook-dossiers', key, versionId: 'v1' } },
    ]);
    expect(out).toEqual({ executionName: started[0]!.name, started: true });
  });

  it('decoding is the inverse of the encoding S3 applies (encodeURIComponent with spaces as +), for any key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (name) => {
        const encoded = encodeURIComponent(name).replace(/%20/g, '+');
        expect(decodeS3Key(encoded)).toBe(name);
      }),
      { numRuns: 300 },
    );
  });

  it('a repeated event (same object version) starts nothing new', async () => {
    const { engine, started } = recordingEngine();
    const first = await routeUpload({ workflow: engine, stateMachineArn: ARN }, detail('dossiers/r6/440103/s1/a.md', 'v1'));
    const second = await routeUpload({ workflow: engine, stateMachineArn: ARN }, detail('dossiers/r6/440103/s1/a.md', 'v1'));
    expect(first.started).toBe(true);
    expect(second).toEqual({ executionName: first.executionName, started: false });
    expect(started).toHaveLength(1);
  });

  it('ignores keys outside dossiers/ and keys S3 could not have encoded', async () => {
    const { engine, started } = recordingEngine();
    for (const key of [
      'parsed/s1.json',
      'reports/s1.json',
      'dossiers-old/r6/440103/s1/a.md',
      'Dossiers/r6/440103/s1/a.md',
      'dossiers/r6/440103/s1/%E4%B8.md',
    ]) {
      const out = await routeUpload({ workflow: engine, stateMachineArn: ARN }, detail(key));
      expect(out.started).toBe(false);
      expect(out.skipped).toBeTruthy();
    }
    expect(started).toEqual([]);
  });

  describe('on Step Functions', () => {
    const sfn = mockClient(SFNClient);
    beforeEach(() => {
      sfn.reset();
    });

    it('ExecutionAlreadyExists counts as started; the name sent is the derived one', async () => {
      sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
      const workflow = new StepFunctionsWorkflow(new SFNClient({ region: 'us-east-1' }));
      const out = await routeUpload({ workflow, stateMachineArn: ARN }, detail('dossiers/r6/440103/s1/a+b.md', 'v9'));
      expect(out).toEqual({ executionName: executionNameFor('casebook-dossiers', 'dossiers/r6/440103/s1/a b.md', 'v9'), started: false });
      const call = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
      expect(call).toMatchObject({ stateMachineArn: ARN, name: out.executionName });
      expect(JSON.parse(call.input!)).toEqual({ bucket: 'casebook-dossiers', key: 'dossiers/r6/440103/s1/a b.md', versionId: 'v9' });
    });

    it('other Step Functions errors propagate, so EventBridge retries the event', async () => {
      sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
      const workflow = new StepFunctionsWorkflow(new SFNClient({ region: 'us-east-1' }));
      await expect(routeUpload({ workflow, stateMachineArn: ARN }, detail('dossiers/r6/440103/s1/a.md', 'v1'))).rejects.toThrow(
        'Rate exceeded',
      );
    });
  });
});
