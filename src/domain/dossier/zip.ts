/**
 * Reading zip containers (uploaded archives and .docx files) from memory under hard caps.
 *
 * Checks run on the central directory before anything is inflated (entry count, declared sizes,
 * compression ratio, names, symlinks, encryption), and inflation itself is counted so that a
 * lying header cannot expand past the caps. Nothing is ever written to disk.
 */
import type { Entry, ZipFile } from 'yauzl';
import { inflateRawSync } from 'node:zlib';
import type { Issue } from '../model';
import { issue } from './codes';
import type { IntakeLimits } from './schema';
import { commonJsExports } from './commonjs';

export interface ZipEntryData {
  name: string;
  bytes: Buffer;
  /**
   * With `lazy`: the entry's contents, or null when they cannot be read here (an unsupported
   * method, a damaged stream, a size other than the declared one). Not an error: the caller
   * hands such a package to a reader that reports the damage in its own words.
   */
  read?: () => Buffer | null;
}

export interface ZipReadResult {
  /** Entries that passed every check (directories and system clutter left out). */
  entries: ZipEntryData[];
  errors: Issue[];
  warnings: Issue[];
}

const ARCHIVE_NAME = /\.(zip|rar|7z|tar|gz|tgz|bz2|xz|jar|apk|cab|iso|arj|lz|lzh|z)$/i;
/** Files that archiving tools add on their own; ignored with a warning rather than rejected. */
const CLUTTER = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/i;
/** Below this size an entry cannot be a meaningful bomb, and tiny XML parts compress very well. */
const RATIO_CHECK_MIN_BYTES = 64 * 1024;

function decodeName(raw: Buffer, utf8Flag: boolean): string {
  if (utf8Flag) return raw.toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    // Chinese Windows archivers write names in the ANSI code page (GBK) without the UTF-8 flag.
    return new TextDecoder('gb18030').decode(raw);
  }
}

export function isUnsafeEntryName(name: string): boolean {
  return (
    name.includes('\0') ||
    name.includes('\\') ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.split('/').some((segment) => segment === '..')
  );
}

type Yauzl = typeof import('yauzl');

/** yauzl is needed only for Word files and archives, so it is loaded on the first one. */
let yauzlLoading: Promise<Yauzl> | undefined;

function loadYauzl(): Promise<Yauzl> {
  yauzlLoading ??= import('yauzl').then(commonJsExports).catch((error: unknown) => {
    yauzlLoading = undefined;
    throw error;
  });
  return yauzlLoading;
}

function openZip(yauzl: Yauzl, buffer: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true }, (err, zip) =>
      err || !zip ? reject(err ?? new Error('no zip')) : resolve(zip),
    );
  });
}

function readEntry(zip: ZipFile, entry: Entry, budget: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'));
      const chunks: Buffer[] = [];
      let total = 0;
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > budget) {
          stream.destroy(new Error('entry expands past the size cap'));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

/**
 * One entry inflated straight from the archive's bytes: one zlib call instead of a stream per
 * entry (the streams' set-up cost more than the inflating for a Word package's small parts). The
 * output may not exceed the declared size, which the caps were checked against, and must equal it.
 */
function inflateInMemory(buffer: Buffer, entry: Entry): Buffer | null {
  const at = entry.relativeOffsetOfLocalHeader;
  if (at + 30 > buffer.length || buffer.readUInt32LE(at) !== 0x04034b50) return null;
  const start = at + 30 + buffer.readUInt16LE(at + 26) + buffer.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > buffer.length) return null;
  const raw = buffer.subarray(start, end);
  try {
    const data =
      entry.compressionMethod === 0
        ? raw
        : entry.compressionMethod === 8
          ? inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) })
          : null;
    return data && data.length === entry.uncompressedSize ? data : null;
  } catch {
    return null;
  }
}

/**
 * Checks (and with `readContents`, inflates) a zip held in memory. Never throws: a damaged
 * archive becomes ZIP_CORRUPT (or DOCX_UNREADABLE for a .docx, via `corruptCode`).
 */
export async function readZip(
  bytes: Uint8Array,
  limits: IntakeLimits,
  opts: {
    readContents: boolean;
    field: string;
    corruptCode?: 'ZIP_CORRUPT' | 'DOCX_UNREADABLE';
    /**
     * Without `readContents`: give each entry a `read()` that inflates it on demand, in memory and
     * synchronously (a Word package's XML parts, of which the caller needs a few). See `read`.
     */
    lazy?: boolean;
  },
): Promise<ZipReadResult> {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const entries: ZipEntryData[] = [];
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const corrupt = (detail: string) =>
    opts.corruptCode === 'DOCX_UNREADABLE'
      ? issue('DOCX_UNREADABLE', opts.field, { detail })
      : issue('ZIP_CORRUPT', opts.field, { detail });

  // Loaded outside the try: a missing module is our fault, not a corrupt upload.
  const yauzl = await loadYauzl();
  let zip: ZipFile;
  try {
    zip = await openZip(yauzl, buffer);
  } catch (err) {
    errors.push(corrupt(err instanceof Error ? err.message : String(err)));
    return { entries, errors, warnings };
  }
  if (zip.entryCount > limits.maxZipEntries) {
    zip.close();
    errors.push(issue('ZIP_TOO_MANY_ENTRIES', opts.field, { limit: limits.maxZipEntries, count: zip.entryCount }));
    return { entries, errors, warnings };
  }

  let declaredTotal = 0;
  let inflatedTotal = 0;
  await new Promise<void>((resolve) => {
    let settled = false;
    const finish = () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    };
    const stop = (problem: Issue) => {
      errors.push(problem);
      zip.close();
      finish();
    };
    zip.on('error', (err: Error) => stop(corrupt(err.message)));
    zip.on('end', finish);
    zip.on('entry', (entry: Entry) => {
      void (async () => {
        const name = decodeName(entry.fileName as unknown as Buffer, (entry.generalPurposeBitFlag & 0x800) !== 0).normalize('NFC');
        if (isUnsafeEntryName(name)) return stop(issue('ZIP_UNSAFE_NAME', opts.field, { name: name.replace(/\0/g, '\\0') }));
        const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
        if (mode === 0o120000) return stop(issue('ZIP_SYMLINK', opts.field, { name }));
        if (entry.isEncrypted()) return stop(issue('ZIP_ENCRYPTED', opts.field, { name }));
        declaredTotal += entry.uncompressedSize;
        if (declaredTotal > limits.maxUncompressedBytes)
          return stop(issue('ZIP_TOO_LARGE', opts.field, { limit: limits.maxUncompressedBytes }));
        if (
          entry.uncompressedSize > RATIO_CHECK_MIN_BYTES &&
          entry.uncompressedSize / Math.max(1, entry.compressedSize) > limits.maxCompressionRatio
        ) {
          return stop(issue('ZIP_RATIO', opts.field, { name, limit: limits.maxCompressionRatio }));
        }
        const isDirectory = name.endsWith('/');
        if (!isDirectory && opts.readContents && CLUTTER.test(name)) {
          warnings.push(issue('ZIP_IGNORED_ENTRY', opts.field, { name }));
        } else if (!isDirectory && opts.readContents) {
          if (ARCHIVE_NAME.test(name)) return stop(issue('ZIP_NESTED_ARCHIVE', opts.field, { name }));
          try {
            const data = await readEntry(zip, entry, Math.min(entry.uncompressedSize, limits.maxUncompressedBytes - inflatedTotal));
            inflatedTotal += data.length;
            entries.push({ name, bytes: data });
          } catch (err) {
            return stop(corrupt(`${name}: ${err instanceof Error ? err.message : String(err)}`));
          }
        } else if (!isDirectory) {
          entries.push(
            opts.lazy ? { name, bytes: Buffer.alloc(0), read: () => inflateInMemory(buffer, entry) } : { name, bytes: Buffer.alloc(0) },
          );
        }
        zip.readEntry();
      })();
    });
    zip.readEntry();
  });
  return { entries, errors, warnings };
}
