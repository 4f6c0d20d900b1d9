// Declarations for module paths that their packages ship without types.

declare module 'opencc-js/from/*' {
  import type { DictGroup } from 'opencc-js/core';
  const groups: readonly DictGroup[];
  export default groups;
}

declare module 'opencc-js/to/*' {
  import type { DictGroup } from 'opencc-js/core';
  const groups: readonly DictGroup[];
  export default groups;
}

declare module '@11ty/eleventy' {
  /** The part of Eleventy's programmatic API the benchmark uses. */
  export default class Eleventy {
    constructor(input: string, output: string, options?: { quietMode?: boolean; config?: (config: any) => void });
    write(): Promise<unknown>;
    toJSON(): Promise<unknown[]>;
  }
}
