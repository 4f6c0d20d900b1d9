// Makes s3rver's filesystem store keep S3's read-after-write promise: a GET that races a PUT,
// COPY or DELETE of the same key returns the old object whole or the new one whole, never a mix.
//
// s3rver 3.7.1 writes an object in place (the file is truncated, then rewritten) and its metadata
// afterwards, while a GET takes Content-Length from one stat() and opens the file a moment later.
// A GET that lands in between sends a header promising the old length and a body cut short; the
// client then waits for bytes that never come until the server closes the idle keep-alive socket
// (5 s), and Node's HTTP client fails the read with `Error: aborted` (ECONNRESET). On a busy
// machine the publisher's rewrites of the site and `casebook demo --export-site` reading it
// overlap long enough for this to happen (issue 19).
//
// So every write goes to a staging file outside the buckets and is renamed into place (a reader
// that already opened the old file keeps reading the old file), and per key, the rename plus the
// metadata write, and a reader's stat plus open, happen one at a time.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { Transform } = require('node:stream');
const { pipeline } = require('node:stream/promises');

/** Runs `work` for `key` after every earlier holder of the key finished. */
function keyedMutex() {
  const tails = new Map();
  return async function withKey(key, work) {
    const previous = tails.get(key) ?? Promise.resolve();
    let release;
    const mine = new Promise((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

/**
 * Patches `FilesystemStore` (s3rver/lib/stores/filesystem) in place. `stagingDir` must be on the
 * same filesystem as the store's root (renames) and outside it (listings must not see it).
 */
function makeStoreAtomic(FilesystemStore, stagingDir) {
  if (FilesystemStore.prototype.__casebookAtomic) return;
  fs.mkdirSync(stagingDir, { recursive: true });
  const withKey = keyedMutex();
  const original = {
    getObject: FilesystemStore.prototype.getObject,
    getMetadata: FilesystemStore.prototype.getMetadata,
    putMetadata: FilesystemStore.prototype.putMetadata,
    deleteObject: FilesystemStore.prototype.deleteObject,
  };
  const staging = () => path.join(stagingDir, `${process.pid}-${crypto.randomUUID()}`);
  const lockKey = (store, bucket, key) => store.getResourcePath(bucket, key, 'object');

  /** Writes `content` (a Buffer or a stream) to a staging file; returns its path, size and md5. */
  async function stage(content) {
    const file = staging();
    const md5 = crypto.createHash('md5');
    let size = 0;
    try {
      if (Buffer.isBuffer(content)) {
        await fs.promises.writeFile(file, content);
        md5.update(content);
        size = content.length;
      } else {
        const count = new Transform({
          transform(chunk, encoding, callback) {
            md5.update(chunk, encoding);
            size += chunk.length;
            callback(null, chunk);
          },
        });
        await pipeline(content, count, fs.createWriteStream(file));
      }
    } catch (err) {
      await fs.promises.rm(file, { force: true });
      throw err;
    }
    return { file, size, md5: md5.digest('hex') };
  }

  /** Moves a staged file over the object's file and writes its metadata, as one step for readers. */
  async function install(store, bucket, key, staged, metadata) {
    const objectPath = store.getResourcePath(bucket, key, 'object');
    try {
      await withKey(lockKey(store, bucket, key), async () => {
        await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
        await fs.promises.rename(staged.file, objectPath);
        await original.putMetadata.call(store, bucket, key, metadata, staged.md5);
      });
    } finally {
      await fs.promises.rm(staged.file, { force: true });
    }
  }

  Object.assign(FilesystemStore.prototype, {
    __casebookAtomic: true,

    // The request body is read before the key is taken: a slow upload holds up no reader.
    async putObject(object) {
      const staged = await stage(object.content);
      await install(this, object.bucket, object.key, staged, object.metadata);
      return { size: staged.size, md5: staged.md5 };
    },

    // Content-Length comes from the file that is then opened: nothing can replace it in between.
    // (s3rver's getObject reads the metadata through `this`: the key is already held here.)
    getObject(bucket, key, options) {
      const holding = Object.create(this, { getMetadata: { value: original.getMetadata } });
      return withKey(lockKey(this, bucket, key), () => original.getObject.call(holding, bucket, key, options));
    },

    getMetadata(bucket, key) {
      return withKey(lockKey(this, bucket, key), () => original.getMetadata.call(this, bucket, key));
    },

    deleteObject(bucket, key) {
      return withKey(lockKey(this, bucket, key), () => original.deleteObject.call(this, bucket, key));
    },

    async copyObject(srcBucket, srcKey, destBucket, destKey, replacementMetadata) {
      const srcPath = this.getResourcePath(srcBucket, srcKey, 'object');
      const destPath = this.getResourcePath(destBucket, destKey, 'object');
      if (srcPath === destPath) {
        // metadata-only copy (what S3 requires for a same-key copy)
        await withKey(lockKey(this, destBucket, destKey), () => original.putMetadata.call(this, destBucket, destKey, replacementMetadata));
        return this.getMetadata(destBucket, destKey);
      }
      // The source is read through its own opened file, so a concurrent rewrite of it is harmless.
      const source = await original.getObject.call(this, srcBucket, srcKey);
      if (!source) {
        const err = new Error(`ENOENT: no such file or directory, open '${srcPath}'`);
        err.code = 'ENOENT';
        throw err;
      }
      const metadata = replacementMetadata ?? (await original.getMetadata.call(this, srcBucket, srcKey));
      const staged = await stage(source.content);
      await install(this, destBucket, destKey, staged, metadata);
      return this.getMetadata(destBucket, destKey);
    },
  });
}

module.exports = { makeStoreAtomic, keyedMutex };
