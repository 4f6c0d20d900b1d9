/**
 * The guard in front of filing an objection (the one anonymous write path): a per-source limit
 * kept as TTL'd counters in the table, content refusals, and the id that folds exact repeats.
 *
 * Sources are the caller's address as API Gateway reports it (requestContext.http.sourceIp; the
 * local cloud's API passes the socket's address the same way). Only an HMAC of it is stored,
 * keyed by a random secret per round that expires with the counters, so the table never holds an
 * address and the hashes cannot be linked across rounds or after the notice.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Round } from '../../domain/model';
import {
  contentRefusal,
  normaliseObjectionText,
  OBJECTION_LIMITS,
  retryAfterSeconds,
  sourceLimited,
  windowOf,
  withinSourceLimit,
} from '../../domain/objections/guard';
import { UseCaseError } from '../errors';
import type { ApiDeps } from './ports';
import type { StorePort } from '../../store/store';

/** What the guard reads and writes of the case table. */
export type ObjectionGuardStore = StorePort<{
  objections: 'objectionGuardKey' | 'countObjectionSource' | 'countObjectionGuard';
}>;

/** Keys already read in this process, per round: one read per round per warm container. */
const keyCache = new Map<string, string>();

async function guardKey(deps: ApiDeps<ObjectionGuardStore>, round: Round): Promise<string> {
  const cached = keyCache.get(round.roundId);
  if (cached) return cached;
  // kept two windows past the notice's end (or a day from now if the round has no end yet)
  const end = round.noticeEndsAt ? Date.parse(round.noticeEndsAt) : deps.now().getTime() + 86_400_000;
  const expiresAt = Math.ceil(end / 1000) + 2 * OBJECTION_LIMITS.windowSeconds;
  const secret = await deps.store.objections.objectionGuardKey(round.roundId, randomBytes(32).toString('base64url'), expiresAt);
  if (keyCache.size > 100) keyCache.clear();
  keyCache.set(round.roundId, secret);
  return secret;
}

/** Throws OBJECTION_RATE_LIMITED (429) when the source has posted more than the per-source limit allows. */
export async function checkSourceLimit(deps: ApiDeps<ObjectionGuardStore>, round: Round, sourceIp: string | undefined): Promise<void> {
  const secret = await guardKey(deps, round);
  // no address (an in-process caller): one shared bucket, never an unlimited one
  const sourceHash = createHmac('sha256', secret)
    .update(sourceIp ?? 'unknown')
    .digest('base64url')
    .slice(0, 22);
  const window = windowOf(deps.now().getTime(), OBJECTION_LIMITS.windowSeconds);
  const counts = await deps.store.objections.countObjectionSource(round.roundId, sourceHash, window, OBJECTION_LIMITS.perSourceMax);
  if (withinSourceLimit(counts.previous, counts.current, window.elapsed)) return;
  await deps.store.objections.countObjectionGuard(round.roundId, 'refusedRate');
  const retryAfter = retryAfterSeconds(counts.previous, counts.current, window.elapsed, OBJECTION_LIMITS.windowSeconds);
  const refusal = sourceLimited(retryAfter);
  // the wait travels as a detail: the API turns it into Retry-After
  throw new UseCaseError(refusal.code, refusal.message, [], { retryAfterSeconds: retryAfter });
}

/** Throws an OBJECTION_* content refusal (422) when the text is refused for its content; counted on the round. */
export async function checkContent(deps: ApiDeps<ObjectionGuardStore>, roundId: string, text: string): Promise<void> {
  const refusal = contentRefusal(text);
  if (!refusal) return;
  await deps.store.objections.countObjectionGuard(roundId, 'refusedContent');
  throw new UseCaseError(refusal.code, refusal.message);
}

/**
 * The objection's id: the same round, case and normalised text give the same id, so a repeat
 * finds the objection already filed (src/store: fileObjectionOnce).
 */
export function objectionIdFor(roundId: string, caseId: string, text: string): string {
  const digest = createHash('sha256')
    .update(`${roundId}\u0000${caseId}\u0000${normaliseObjectionText(text)}`)
    .digest('hex');
  return `obj-${digest.slice(0, 24)}`;
}

export const bodyTooLarge = (bytes: number) =>
  new UseCaseError('OBJECTION_TOO_LARGE', {
    zh: `異議請求過大（${Math.ceil(bytes / 1024)} KB，上限 ${OBJECTION_LIMITS.maxBodyBytes / 1024} KB），請精簡內容。`,
    en: `The objection request is too large (${Math.ceil(bytes / 1024)} KB; the limit is ${OBJECTION_LIMITS.maxBodyBytes / 1024} KB); shorten it.`,
  });
