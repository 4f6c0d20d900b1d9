/**
 * The local cloud's topology: what the synthesized stack contains, as specs the local services
 * (local/*.ts) start from. One module per resource kind (buckets, tables, functions,
 * state-machines, events, streams, api, site); `template.ts` resolves references and intrinsics,
 * `names.ts` holds local names and ARNs, `synth.ts` finds or makes a fresh template, and
 * `build.ts` assembles the whole. Imported by local/, by tests and by bench; imports nothing of
 * src/.
 */
export { buildTopology, loadTopology, type Topology } from './build';
export { ensureSynthesized, localAssemblyDir, SYNTH_STALL_MS } from './synth';
export * from './names';
export type { ApiCors, RouteSpecLocal } from './api';
export type { BucketSpec } from './buckets';
export { rateMs, type RuleSpec, type ScheduleSpec, type Target } from './events';
export type { FunctionSpec } from './functions';
export type { SiteHeaders } from './site';
export type { StateMachineSpec } from './state-machines';
export type { StreamMappingSpec } from './streams';
