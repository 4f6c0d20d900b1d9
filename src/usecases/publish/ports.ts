/**
 * What publication needs from the outside world. The store, S3 and CloudFront adapters implement
 * these; tests use in-memory ones.
 */
import type { PublicationRound, SiteFile, SiteManifest } from '../../domain/site';

/** Current state of every round that may be on the site, read fresh on every call. */
export interface PublicationSource {
  loadRounds(): Promise<PublicationRound[]>;
}

/** The site bucket: the manifest of what is there, and object writes. */
export interface SiteBucket {
  readManifest(): Promise<SiteManifest | undefined>;
  writeFile(path: string, file: SiteFile): Promise<void>;
  deleteFiles(paths: readonly string[]): Promise<void>;
  writeManifest(manifest: SiteManifest): Promise<void>;
}

/** The CDN in front of the bucket; `paths` are URL paths (`/hant/index.html`). */
export interface SiteInvalidator {
  invalidate(paths: readonly string[], reference: string): Promise<void>;
}
