/**
 * Timers that survive durations longer than Node's setTimeout limit (2^31-1 ms, about 24.8 days):
 * a public-notice Wait or a two-week approval timeout must neither fire early nor overflow to 1 ms.
 */
const MAX_TIMER_MS = 2_147_483_647;

export interface Alarm {
  cancel(): void;
}

/** Calls `fire` once at `atEpochMs` (immediately if already past), unless cancelled first. */
export function alarmAt(atEpochMs: number, fire: () => void): Alarm {
  let handle: NodeJS.Timeout | undefined;
  let cancelled = false;
  const arm = () => {
    if (cancelled) return;
    const remaining = atEpochMs - Date.now();
    if (remaining <= 0) {
      handle = undefined;
      fire();
      return;
    }
    handle = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
  };
  arm();
  return {
    cancel() {
      cancelled = true;
      if (handle) clearTimeout(handle);
      handle = undefined;
    },
  };
}

/** Resolves at `atEpochMs`; rejects with the signal's reason when aborted first. */
export function sleepUntil(atEpochMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let alarm: Alarm | undefined;
    const onAbort = () => {
      alarm?.cancel();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    alarm = alarmAt(atEpochMs, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
