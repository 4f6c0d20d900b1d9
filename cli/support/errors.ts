/** Exit codes every casebook command keeps: scripts depend on them. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

/** An error the CLI reports in one line plus a hint that says what to do next; never a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
