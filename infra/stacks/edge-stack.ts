/**
 * The web ACL in front of CloudFront. WAF for CloudFront lives in us-east-1
 * whatever the app's region, so this small stack deploys there and hands its
 * ARN to the site stack (a cross-region reference).
 *
 * Its rate rules count per client address (WAF's `IP` key, the viewer's
 * address as CloudFront sees it). WAF has no key for an IPv6 network (a /64):
 * an attacker with one /64 is many addresses here, and is counted as one
 * client by the sign-in limits in the API (`shared/runtime/client-network.ts`).
 *
 * No request is sampled (a sample keeps the query string, and a provider's
 * redirect carries an authorization code in it); WAF's own log records every
 * blocked or counted request with the query string and the cookies redacted.
 */
import { ArnFormat, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface EdgeStackProps extends StackProps {
  /** Requests to /api/auth/* allowed per client address in 5 minutes (WAF's minimum is 10). */
  readonly authRequestsPer5Minutes?: number;
  /** Requests to /api/* allowed per client address in 5 minutes: one client cannot take the API's whole stage throttle. */
  readonly apiRequestsPer5Minutes?: number;
}

/** Metrics on, samples off (see above). */
const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: false });

const tooMany = {
  block: {
    customResponse: { responseCode: 429, customResponseBodyKey: 'tooMany', responseHeaders: [{ name: 'retry-after', value: '300' }] },
  },
};

const pathStartsWith = (prefix: string) => ({
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'STARTS_WITH',
    searchString: prefix,
    textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
  },
});

export class EdgeStack extends Stack {
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    const acl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: 'Onramp: per-client rate limits on sign-in and sign-up and on the whole API, and the AWS common rule set',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('onramp-edge'),
      customResponseBodies: {
        tooMany: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            error: { code: 'too_many_attempts', message: 'Too many attempts from your network. Please wait 5 minutes and try again.' },
          }),
        },
      },
      rules: [
        {
          // A coarse, network-wide limit in front of the API's own per-email and per-client limits.
          name: 'RateLimitAuth',
          priority: 0,
          action: tooMany,
          statement: {
            rateBasedStatement: {
              limit: props.authRequestsPer5Minutes ?? 100,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              scopeDownStatement: pathStartsWith('/api/auth/'),
            },
          },
          visibilityConfig: visibility('onramp-auth-rate'),
        },
        {
          // The stage throttle is shared by everyone; this keeps one client from taking all of it.
          name: 'RateLimitApi',
          priority: 1,
          action: tooMany,
          statement: {
            rateBasedStatement: {
              limit: props.apiRequestsPer5Minutes ?? 1500,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              scopeDownStatement: pathStartsWith('/api/'),
            },
          },
          visibilityConfig: visibility('onramp-api-rate'),
        },
        {
          name: 'AWSManagedRulesCommonRuleSet',
          priority: 2,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
          visibilityConfig: visibility('onramp-common'),
        },
      ],
    });
    this.webAclArn = acl.attrArn;

    // WAF logs go only to a log group whose name starts with aws-waf-logs-; WAF wants its ARN without the `:*`.
    const logs = new LogGroup(this, 'WafLogs', { logGroupName: 'aws-waf-logs-onramp', retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.RETAIN });
    new CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: acl.attrArn,
      logDestinationConfigs: [Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: logs.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      // The callback's code, state and signature, and the session cookie, never reach the log.
      redactedFields: [{ queryString: {} }, { singleHeader: { Name: 'cookie' } }],
    });
  }
}
