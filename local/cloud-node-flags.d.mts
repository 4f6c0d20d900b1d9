/** See cloud-node-flags.mjs. */
export declare const CLOUD_NODE_FLAGS: readonly string[];
