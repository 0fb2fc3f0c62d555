/**
 * Who invoked the support function, on AWS's own record: a CloudTrail trail
 * of Lambda data events for that one function (each Invoke, with the caller's
 * IAM identity), into a private, encrypted bucket of its own. The identity the
 * CLI sends is a convenience for the audit trail; this is the proof.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { ReadWriteType, Trail } from 'aws-cdk-lib/aws-cloudtrail';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface SupportAuditTrailProps {
  readonly fn: IFunction;
}

export class SupportAuditTrail extends Construct {
  readonly trail: Trail;

  constructor(scope: Construct, id: string, props: SupportAuditTrailProps) {
    super(scope, id);
    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'trail/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.trail = new Trail(this, 'Trail', {
      bucket,
      // Data events only: management events are the account's own trail's job.
      managementEvents: ReadWriteType.NONE,
      includeGlobalServiceEvents: false,
      isMultiRegionTrail: false,
      enableFileValidation: true,
    });
    this.trail.addLambdaEventSelector([props.fn], { includeManagementEvents: false, readWriteType: ReadWriteType.ALL });
  }
}
