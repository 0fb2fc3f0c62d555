/**
 * The web ACL in front of CloudFront. WAF for CloudFront lives in us-east-1
 * whatever the app's region, so this small stack deploys there and hands its
 * ARN to the site stack (a cross-region reference).
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

export interface EdgeStackProps extends StackProps {
  /** Requests to /api/auth/* allowed per client address in 5 minutes (WAF's minimum is 10). */
  readonly authRequestsPer5Minutes?: number;
}

const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });

export class EdgeStack extends Stack {
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    const acl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: 'Onramp: rate limit on sign-in and sign-up, and the AWS common rule set',
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
          action: {
            block: {
              customResponse: { responseCode: 429, customResponseBodyKey: 'tooMany', responseHeaders: [{ name: 'retry-after', value: '300' }] },
            },
          },
          statement: {
            rateBasedStatement: {
              limit: props.authRequestsPer5Minutes ?? 100,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: '/api/auth/',
                  textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
                },
              },
            },
          },
          visibilityConfig: visibility('onramp-auth-rate'),
        },
        {
          name: 'AWSManagedRulesCommonRuleSet',
          priority: 1,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
          visibilityConfig: visibility('onramp-common'),
        },
      ],
    });
    this.webAclArn = acl.attrArn;
  }
}
