/**
 * What the functions' bundles replace (esbuild's `alias`), shared by the CDK
 * (`constructs/onramp-function.ts`) and the bench that measures its bundles.
 * A target is resolved from the working directory, through the package's
 * `#functions/*` imports, so it is the same wherever the bundler runs.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  // @middy/core's one use of web streams is for streamed responses, which no function returns.
  'node:stream/web': '#functions/lazy-stream-web.ts',
};
