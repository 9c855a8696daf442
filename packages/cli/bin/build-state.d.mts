/** Types of build-state.mjs (plain JS: the bin runs before any TypeScript loader). */
export declare const buildDir: URL;
export declare function buildState():
  | { exports: Record<string, string>; reason?: undefined }
  | { reason: string; exports?: undefined };
