import { describe, expect, it } from '@jest/globals';
import { Gate } from '../../../local/lambda';

describe('Gate (the local cloud caps concurrent invocations)', () => {
  it('runs at most `limit` at once and lets the rest in, first come first served', async () => {
    const gate = new Gate(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = async (i: number) => {
      const release = await gate.acquire();
      running += 1;
      peak = Math.max(peak, running);
      order.push(i);
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
      release();
    };
    await Promise.all([0, 1, 2, 3, 4, 5].map(task));
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('ignores a second release of the same slot', async () => {
    const gate = new Gate(1);
    const release = await gate.acquire();
    release();
    release();
    const a = await gate.acquire();
    let bGot = false;
    const b = gate.acquire().then((r) => {
      bGot = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(bGot).toBe(false);
    a();
    (await b)();
  });

  it('refuses a limit below one', () => {
    expect(() => new Gate(0)).toThrow(/≥ 1/);
  });
});

describe('Gate turns between keys', () => {
  it('serves waiting keys in turn, so a long queue on one route does not hold back another', async () => {
    const gate = new Gate(1);
    const first = await gate.acquire('flood');
    const order: string[] = [];
    // each holder records its turn and hands the slot on at once
    const take = (key: string, label: string) =>
      gate.acquire(key).then((release) => {
        order.push(label);
        release();
      });
    const waiters = [...Array.from({ length: 5 }, (_, i) => take('flood', `flood-${i}`)), take('office', 'office')];
    first();
    await Promise.all(waiters);
    // the office waited for one flood invocation, not five
    expect(order.indexOf('office')).toBe(1);
    expect(order.filter((o) => o.startsWith('flood'))).toEqual(['flood-0', 'flood-1', 'flood-2', 'flood-3', 'flood-4']);
  });
});
