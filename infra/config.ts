/**
 * Where Onramp deploys, parsed once from the environment. A missing or
 * malformed value stops synthesis with its name: nothing is guessed.
 */
import type { Environment } from 'aws-cdk-lib';
import { z } from 'zod';
import { parseEnv } from '../shared/config.js';

const deployEnv = z.object({
  ONRAMP_ACCOUNT: z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id' }),
  ONRAMP_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region, like eu-west-1' }),
});

/** The account and region to deploy to (`ONRAMP_ACCOUNT`, `ONRAMP_REGION`). */
export function deployEnvironment(env: NodeJS.ProcessEnv = process.env): Required<Pick<Environment, 'account' | 'region'>> {
  const parsed = parseEnv(deployEnv, env);
  return { account: parsed.ONRAMP_ACCOUNT, region: parsed.ONRAMP_REGION };
}
