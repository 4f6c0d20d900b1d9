/** Site rendering: snapshot in, files and manifest out. Plain TypeScript, no I/O. */
export { renderSite, buildManifest, serializeManifest, MANIFEST_PATH, CONTENT_TYPES } from './render';
export type { RenderOptions, RenderedSite, SiteFile, SiteManifest, ManifestEntry } from './render';
export { buildSnapshot, announcementEntries, snapshotSha256, canonicalJson, sha256Hex, isPublishedStatus } from './snapshot';
export type { SiteSnapshot, SiteRound, SiteCase, SiteCorrection, PublicationCase, PublicationRound } from './snapshot';
export { sitePaths, pathSegment, relativeUrl } from './paths';
export { redactPersonalData } from './redact';
export { html, escapeHtml, SafeHtml } from './html';
export { OPEN_DATA_COLUMNS, openDataRows } from './opendata';
