/**
 * What the functions' bundles replace (esbuild's `alias`), shared by the CDK
 * (`constructs/onramp-function.ts`) and the bench that measures its bundles.
 * esbuild resolves a target from its working directory, through the
 * package's `#functions/*` imports: the project root, where the CDK runs it
 * (locally, or mounted in Docker, where the construct sets it).
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  // @middy/core's one use of web streams is for streamed responses, which no function returns.
  'node:stream/web': '#functions/lazy-stream-web.ts',
};
