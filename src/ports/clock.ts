/** Time, injected so use cases and tests agree on "now" without reading the wall clock directly. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
