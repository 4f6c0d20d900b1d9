/**
 * Test doubles of the ports (src/ports): a clock that stays where it is put and a dossier bucket
 * in memory. They live with the tests, not in src/, so no Lambda bundle can carry them.
 */
import type { Clock } from '../../src/ports/clock';
import { ObjectNotFoundError, type ObjectStore, type StoredObject } from '../../src/ports/object-store';

/** A clock that stays where it is put; tests move it explicitly. */
export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string): void {
    this.current = new Date(to);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** In-memory ObjectStore for tests that have no bucket. */
export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, { body: Uint8Array; contentType?: string }>();

  put(key: string, body: Uint8Array | string, contentType?: string): void {
    this.objects.set(key, { body: typeof body === 'string' ? new TextEncoder().encode(body) : body, contentType });
  }

  async getObject(key: string): Promise<StoredObject> {
    const found = this.objects.get(key);
    if (!found) throw new ObjectNotFoundError(key);
    return { body: found.body, contentType: found.contentType, size: found.body.byteLength };
  }

  async putJson(key: string, value: unknown): Promise<void> {
    this.put(key, JSON.stringify(value), 'application/json; charset=utf-8');
  }

  async getJson<T = unknown>(key: string): Promise<T> {
    const { body } = await this.getObject(key);
    return JSON.parse(new TextDecoder('utf-8').decode(body)) as T;
  }
}
