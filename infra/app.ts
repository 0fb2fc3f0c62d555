/**
 * Builds the Onramp CDK app: stateful, stateless and site stacks. Used by the
 * CDK CLI, the infrastructure tests and the local stack (which runs the state
 * machine this synthesizes).
 */
import { App, Duration, Validations, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EdgeStack } from './stacks/edge-stack.js';
import { EdgeLogsStack } from './stacks/edge-logs-stack.js';
import { SiteStack } from './stacks/site-stack.js';
import { StatefulStack } from './stacks/stateful-stack.js';
import { StatelessStack } from './stacks/stateless-stack.js';
import { acknowledgeFindings } from './nag.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface OnrampAppOptions {
  /** Stacks name their account and region explicitly (no lookups, no guesses). */
  readonly env: Required<Pick<Environment, 'account' | 'region'>>;
  /** The https origin sellers open; provider callbacks come back to it. */
  readonly appOrigin: string;
  /** Skip esbuild bundling (tests and the local stack only need the templates). */
  readonly bundle?: boolean;
  readonly wizardStepTimeout?: Duration;
  readonly webAssetPath?: string;
  readonly outdir?: string;
  /** Run the cdk-nag AwsSolutions checks. */
  readonly nag?: boolean;
  /** Include the site stack (needs the built web app). */
  readonly site?: boolean;
  /**
   * Check the templates against CloudFormation's rules at synthesis (default: yes). The local stack, which
   * only reads the state machine out of a template `npm run synth` and the infrastructure tests check, skips it:
   * it is seconds of every start.
   */
  readonly validate?: boolean;
}

export function createOnrampApp(options: OnrampAppOptions) {
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    ...(options.validate === false ? { builtinCloudFormationValidation: false } : {}),
    context: {
      // Stacks reference each other's outputs; keep the producer protected.
      '@aws-cdk/core:defaultCrossStackReferences': 'strong',
      ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
    },
  });
  const { env } = options;
  const stateful = new StatefulStack(app, 'OnrampStateful', { env, secretPrefix: 'onramp/', appSecretPrefix: 'onramp-apps/', secretReadersStackName: 'OnrampStateless' });
  // WAF for CloudFront lives in us-east-1, whatever the app's region.
  const edge = options.site === false ? undefined : new EdgeStack(app, 'OnrampEdge', { env: { account: env.account, region: 'us-east-1' } });
  const site =
    options.site === false
      ? undefined
      : new SiteStack(app, 'OnrampSite', {
          env,
          api: stateful.api,
          originSecret: stateful.originSecret,
          ...(edge ? { webAclArn: edge.webAclArn } : {}),
          webAssetPath: options.webAssetPath ?? path.join(ROOT, 'web', 'dist'),
        });
  // CloudFront's standard logging (v2) is configured in us-east-1 only.
  const edgeLogs = site ? new EdgeLogsStack(app, 'OnrampEdgeLogs', { env: { account: env.account, region: 'us-east-1' }, distributionId: site.distribution.distributionId }) : undefined;
  const stateless = new StatelessStack(app, 'OnrampStateless', {
    env,
    root: ROOT,
    table: stateful.table,
    secretPrefix: stateful.secretPrefix,
    secretsKey: stateful.secretsKey,
    api: stateful.api,
    appSecrets: stateful.appSecrets,
    appOrigin: options.appOrigin,
    ...(site ? { edge: { siteOrigin: site.siteOrigin, originSecret: stateful.originSecret } } : {}),
    wizardStepTimeout: options.wizardStepTimeout ?? Duration.days(14),
  });
  if (options.nag !== false) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    acknowledgeFindings({ stateful, stateless, site, edge, edgeLogs });
  }
  return { app, stateful, stateless, site, edge, edgeLogs };
}
