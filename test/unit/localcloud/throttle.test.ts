/** The local API's per-route token bucket (API Gateway's throttle): burst, then the steady rate. */
import { describe, expect, it } from '@jest/globals';
import { tokenBucket } from '../../../local/api';

describe('tokenBucket', () => {
  it('lets a burst through at once, then refills at the rate', () => {
    let t = 0;
    const bucket = tokenBucket({ rateLimit: 10, burstLimit: 20 }, () => t);
    const burst = Array.from({ length: 30 }, () => bucket.take()).filter(Boolean).length;
    expect(burst).toBe(20);
    t += 1000; // one second: ten tokens
    expect(Array.from({ length: 30 }, () => bucket.take()).filter(Boolean).length).toBe(10);
    t += 60_000; // never more than the burst
    expect(Array.from({ length: 30 }, () => bucket.take()).filter(Boolean).length).toBe(20);
  });

  it('over a minute of steady overload admits the burst plus the rate times the duration', () => {
    let t = 0;
    const bucket = tokenBucket({ rateLimit: 10, burstLimit: 20 }, () => t);
    let admitted = 0;
    for (let i = 0; i < 5000; i++) {
      t = (i * 60_000) / 5000;
      if (bucket.take()) admitted += 1;
    }
    expect(admitted).toBeGreaterThanOrEqual(20 + 10 * 60 - 2);
    expect(admitted).toBeLessThanOrEqual(20 + 10 * 60);
  });
});
