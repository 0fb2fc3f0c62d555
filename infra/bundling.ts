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

/**
 * What the CDK and config parsing give each function in the cloud, with made-up values of the real shapes: the
 * environment the bench imports each bundle with, and the bundle test runs each one in.
 */
export const CLOUD_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: 'eu-west-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  LOG_LEVEL: 'SILENT',
  TABLE_NAME: 'onramp',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111111111111:stateMachine:OnrampWizard',
  SECRET_PREFIX: 'onramp/',
  SECRETS_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000',
  APP_ORIGIN: 'https://onramp.example.com',
  APP_SECRET_PREFIX: 'onramp-apps/',
  SITE_ORIGIN: 'https://d111111abcdef8.cloudfront.net',
  ORIGIN_VERIFY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:onramp-origin-verify-AbCdEf',
  CLIENT_ADDRESS_HEADER: 'cloudfront-viewer-address',
};
