/**
 * The published round-5 result page the tests read (the demo's seed, kept in the repository with
 * its defects as test data). Resolved from this file, so a test reads it whatever the cwd is.
 */
import { fileURLToPath } from 'node:url';

export const SEED_PATH = fileURLToPath(new URL('../../data/seed/announcement-round5.txt', import.meta.url));
