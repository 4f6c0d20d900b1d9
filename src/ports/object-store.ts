/** The dossier bucket as the intake pipeline uses it: raw uploads in, JSON documents out. */
export interface StoredObject {
  body: Uint8Array;
  contentType?: string;
  versionId?: string;
  size: number;
}

export interface ObjectStore {
  getObject(key: string, versionId?: string): Promise<StoredObject>;
  putJson(key: string, value: unknown): Promise<void>;
  getJson<T = unknown>(key: string): Promise<T>;
}

/** Raised when a key does not exist, so use cases can turn it into a coded error. */
export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`object not found: ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}
