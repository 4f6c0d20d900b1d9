/**
 * Round arguments: every command takes a round as its number (`6`) or its id (`round-6`), so the
 * office can type what the announcement says. One normaliser, used by every command that names a
 * round (a unit test checks that each `<roundId>` argument is parsed with it).
 */
import { CliError, EXIT } from './errors';

/** The API's round id syntax (src/api/schemas.ts roundIdSchema). */
const ROUND_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

export function roundIdArg(value: string): string {
  const text = value.trim().toLowerCase();
  // 6, 第6屆, round6, round 6: the round's number, as the default id names it
  const number = /^(?:第\s*)?(\d{1,4})\s*(?:屆|届)?$/.exec(text) ?? /^round[\s_-]?(\d{1,4})$/.exec(text);
  if (number) return `round-${Number(number[1])}`;
  if (ROUND_ID.test(text)) return text;
  throw new CliError(
    `"${value}" is not a round: pass its number (6) or its id (round-6)`,
    EXIT.usage,
    '`casebook round show` lists the rounds',
  );
}

/** A round's number, from `6` or `round-6` (for commands that check files against a round). */
export function roundNumberArg(value: string): number {
  const id = roundIdArg(value);
  const m = /^round-(\d+)$/.exec(id);
  if (!m || Number(m[1]) <= 0) throw new CliError(`--round must be a round number such as 6 (or round-6), got "${value}"`, EXIT.usage);
  return Number(m[1]);
}
