/**
 * Where Onramp deploys, parsed once from the environment. A missing or
 * malformed value stops synthesis with its name: nothing is guessed.
 */
import type { Environment } from 'aws-cdk-lib';
import { parseEnv } from '../shared/runtime/config.js';
import * as z from '../shared/runtime/zod.js';

const deployEnv = z.object({
  ONRAMP_ACCOUNT: z.string().check(z.regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id' })),
  ONRAMP_REGION: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region, like eu-west-1' })),
  /** The https origin sellers open (the distribution's or a custom domain); provider apps register its callbacks. */
  ONRAMP_APP_ORIGIN: z.pipe(
    z.url({ protocol: /^https$/, error: 'must be the https origin the site is served at, like https://app.example.com' }),
    z.transform((v) => new URL(v).origin),
  ),
});

/** The variables a deployment is configured with (docs/deploy.md names each). */
export const DEPLOY_VARIABLES = Object.keys(deployEnv.shape);

/** Where the site is served: provider callbacks are `<origin>/api/oauth/<provider>/callback`. */
export function deployAppOrigin(env: NodeJS.ProcessEnv = process.env): string {
  return parseEnv(deployEnv, env).ONRAMP_APP_ORIGIN;
}

/** The account and region to deploy to (`ONRAMP_ACCOUNT`, `ONRAMP_REGION`). */
export function deployEnvironment(env: NodeJS.ProcessEnv = process.env): Required<Pick<Environment, 'account' | 'region'>> {
  const parsed = parseEnv(deployEnv, env);
  return { account: parsed.ONRAMP_ACCOUNT, region: parsed.ONRAMP_REGION };
}
