/** The stack's DynamoDB-stream event-source mappings: which function reads which table, and how. */
import { TopologyError } from './names';
import { TABLE_TYPES, type TemplateReader } from './template';

export interface StreamMappingSpec {
  logicalId: string;
  tableName: string;
  functionName: string;
  batchSize: number;
  filters: Record<string, unknown>[];
  bisectOnError: boolean;
  /** -1 = until the record expires (AWS default); locally we cap it. */
  maxRetries: number;
  reportBatchItemFailures: boolean;
  startingPosition: 'LATEST' | 'TRIM_HORIZON';
  onFailure: boolean;
}

export function streamMappingsOf(t: TemplateReader): StreamMappingSpec[] {
  return t.byType('AWS::Lambda::EventSourceMapping').map(([id, r]) => {
    const p = r.Properties ?? {};
    const context = `event-source mapping ${id}`;
    const sourceId = t.referencedId(p.EventSourceArn);
    if (!sourceId) throw new TopologyError(`${context}: EventSourceArn is not a table of this stack`);
    const source = t.resource(sourceId, context);
    if (!TABLE_TYPES.includes(source.Type)) {
      throw new TopologyError(`${context}: source ${source.Type} is not supported locally (only DynamoDB streams)`);
    }
    const fnId = t.referencedId(p.FunctionName);
    if (!fnId || t.resource(fnId, context).Type !== 'AWS::Lambda::Function')
      throw new TopologyError(`${context}: FunctionName is not a function of this stack`);
    const filters = ((p.FilterCriteria as { Filters?: { Pattern: string }[] } | undefined)?.Filters ?? []).map(
      (f) => JSON.parse(t.asString(f.Pattern, context)) as Record<string, unknown>,
    );
    const destination = (p.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination;
    return {
      logicalId: id,
      tableName: t.name(sourceId),
      functionName: t.name(fnId),
      batchSize: Number(p.BatchSize ?? 100),
      filters,
      bisectOnError: p.BisectBatchOnFunctionError === true,
      maxRetries: p.MaximumRetryAttempts === undefined ? -1 : Number(p.MaximumRetryAttempts),
      reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
      startingPosition: (p.StartingPosition as 'LATEST' | 'TRIM_HORIZON' | undefined) ?? 'LATEST',
      onFailure: destination !== undefined,
    };
  });
}
