/**
 * CloudFront's access logs, through standard logging (v2), which CloudFront
 * configures only in us-east-1 and which, unlike the legacy logs, lets us
 * choose the fields: the query string (a provider's redirect to
 * `/api/oauth/<provider>/callback` carries the authorization code, the
 * state, Shopify's hmac, WooCommerce's user_id), the cookies (the session)
 * and the referrer (a provider's consent page, with its own query) are never
 * recorded, for any path.
 */
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnDelivery, CfnDeliveryDestination, CfnDeliverySource } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/** The fields of a CloudFront access log that are kept. */
export const CDN_LOG_FIELDS = [
  'date', 'time', 'x-edge-location', 'sc-bytes', 'c-ip', 'cs-method', 'cs(Host)', 'cs-uri-stem', 'sc-status', 'cs(User-Agent)',
  'x-edge-result-type', 'x-edge-request-id', 'x-host-header', 'cs-protocol', 'cs-bytes', 'time-taken', 'x-forwarded-for', 'ssl-protocol',
  'ssl-cipher', 'x-edge-response-result-type', 'cs-protocol-version', 'fle-status', 'fle-encrypted-fields', 'c-port', 'time-to-first-byte',
  'x-edge-detailed-result-type', 'sc-content-type', 'sc-content-len', 'sc-range-start', 'sc-range-end',
];
/** Never kept: what a request's URL, cookies or referrer may carry. */
export const CDN_LOG_FIELDS_LEFT_OUT = ['cs-uri-query', 'cs(Cookie)', 'cs(Referer)'];

export interface EdgeLogsStackProps extends StackProps {
  /** The distribution's id (from the site stack, a cross-region reference). */
  readonly distributionId: string;
}

export class EdgeLogsStack extends Stack {
  constructor(scope: Construct, id: string, props: EdgeLogsStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const bucket = new Bucket(this, 'CdnLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'cdn-logs/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Vended-logs delivery writes the files, for this account only.
    bucket.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects('*')],
        conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': this.account } },
      }),
    );
    const source = new CfnDeliverySource(this, 'CdnLogSource', {
      name: 'onramp-cdn',
      logType: 'ACCESS_LOGS',
      resourceArn: `arn:${this.partition}:cloudfront::${this.account}:distribution/${props.distributionId}`,
    });
    const destination = new CfnDeliveryDestination(this, 'CdnLogDestination', {
      name: 'onramp-cdn-s3',
      destinationResourceArn: bucket.bucketArn,
      outputFormat: 'parquet',
    });
    const delivery = new CfnDelivery(this, 'CdnLogDelivery', {
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.attrArn,
      recordFields: CDN_LOG_FIELDS,
    });
    delivery.addDependency(source);
  }
}
