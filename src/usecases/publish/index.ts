export { publishSite, publishRound, invalidationPaths } from './publish';
export type { PublishDeps, PublishOptions, PublishResult } from './publish';
export type { PublicationSource, SiteBucket, SiteInvalidator } from './ports';
