/** The version of this Hookline, from the package manifest. */
import manifest from '../package.json' with { type: 'json' };

/** Semantic version from `packages/server/package.json`. */
export const VERSION: string = manifest.version;
