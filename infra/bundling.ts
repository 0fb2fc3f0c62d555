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

/**
 * esbuild's options as the CDK bundles each function (`constructs/onramp-function.ts`), less the source map it
 * uploads beside the bundle: for the bench, which measures the bundles, and the test that runs them.
 */
export const FUNCTION_BUNDLE_OPTIONS: {
  bundle: true;
  platform: 'node';
  format: 'esm';
  target: string;
  minify: true;
  mainFields: string[];
  banner: { js: string };
  alias: Record<string, string>;
} = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  alias: { ...BUNDLE_ALIASES },
};
