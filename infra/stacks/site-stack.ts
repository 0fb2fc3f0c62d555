/**
 * The static web app: a private bucket behind CloudFront with origin access
 * control, `/api/*` routed to the HTTP API on the same origin (so the session
 * cookie is first-party), and a deploy-time `config.json`. CloudFront adds
 * the security headers to every answer, proves itself to the API with an
 * origin secret, and sits behind the WAF web ACL of the edge stack.
 */
import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { CONTENT_SECURITY_POLICY, HSTS_MAX_AGE_SECONDS, ORIGIN_SECRET_HEADER, REFERRER_POLICY } from '../../shared/http/security-headers.js';
import { SPA_REWRITE_CODE } from '../constructs/spa-rewrite.js';

export interface SiteStackProps extends StackProps {
  readonly api: IHttpApi;
  /** Sent to the API with every request, so the API can tell CloudFront from anyone else. */
  readonly originSecret: ISecret;
  /** The WAF web ACL (scope CLOUDFRONT, in us-east-1). */
  readonly webAclArn?: string;
  /** The built web app (`web/dist`). */
  readonly webAssetPath: string;
}

export class SiteStack extends Stack {
  readonly distribution: Distribution;
  /** `https://<distribution domain>`: the origin the API expects in a browser's `Origin` header. */
  readonly siteOrigin: string;

  constructor(scope: Construct, id: string, props: SiteStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const bucket = new Bucket(this, 'Web', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'web/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    const apiDomain = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    // The same headers as the local gateway sends (shared/http/security-headers.ts), on pages and API answers alike.
    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Onramp: strict CSP, HSTS, no referrer, nosniff, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS), includeSubdomains: true, override: true },
        referrerPolicy: { referrerPolicy: REFERRER_POLICY as HeadersReferrerPolicy, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      },
    });
    const spaRewrite = new CloudFrontFunction(this, 'SpaRewrite', {
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Serves /index.html for the web app\u2019s own paths (no file extension)',
      code: FunctionCode.fromInline(SPA_REWRITE_CODE),
    });
    // What the API needs from the viewer, and the viewer's address for per-client limits; never the Host.
    const apiRequests = new OriginRequestPolicy(this, 'ApiRequests', {
      comment: 'Onramp API: JSON, same-origin check, cookies, viewer address',
      headerBehavior: OriginRequestHeaderBehavior.allowList('content-type', 'origin', 'sec-fetch-site', 'user-agent', 'accept', 'CloudFront-Viewer-Address'),
      cookieBehavior: OriginRequestCookieBehavior.all(),
      queryStringBehavior: OriginRequestQueryStringBehavior.all(),
    });
    this.distribution = new Distribution(this, 'Distribution', {
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Access logs: standard logging (v2) from the edge-logs stack, without query strings or cookies.
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: securityHeaders,
        functionAssociations: [{ function: spaRewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new HttpOrigin(apiDomain, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            // Resolved by CloudFormation at deploy time: the value is not in the template.
            customHeaders: { [ORIGIN_SECRET_HEADER]: props.originSecret.secretValue.unsafeUnwrap() },
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: apiRequests,
          responseHeadersPolicy: securityHeaders,
        },
      },
    });
    this.siteOrigin = `https://${this.distribution.distributionDomainName}`;
    // The address sellers open: ONRAMP_APP_ORIGIN for the stateless stack, and the origin of every provider callback (docs/deploy.md).
    new CfnOutput(this, 'SiteOrigin', { value: this.siteOrigin, description: 'ONRAMP_APP_ORIGIN: the https origin sellers open' });
    new BucketDeployment(this, 'Deploy', {
      destinationBucket: bucket,
      // Source maps stay with the build: they are not published.
      sources: [Source.asset(props.webAssetPath, { exclude: ['*.map', '**/*.map'] }), Source.jsonData('config.json', { apiBase: '/api' })],
      distribution: this.distribution,
    });
  }
}

