/**
 * Published AWS prices, US East (N. Virginia), on-demand, past the free tiers.
 * Each is a named constant with where it is published and when it was read;
 * re-read the page before relying on a figure.
 */

export interface Price {
  readonly usd: number;
  readonly per: string;
  readonly source: string;
  readonly read: string;
}

const READ = '2026-11-27';

/** DynamoDB on-demand: $0.625 per million write request units (1 KB each; each GSI the write touches is charged too). */
export const DYNAMODB_WRITE_REQUEST_UNIT: Price = {
  usd: 0.625 / 1e6,
  per: 'write request unit',
  source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  read: READ,
};

/** DynamoDB on-demand: $0.125 per million read request units (4 KB strongly consistent, or 8 KB eventually consistent). */
export const DYNAMODB_READ_REQUEST_UNIT: Price = {
  usd: 0.125 / 1e6,
  per: 'read request unit',
  source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  read: READ,
};

/** Step Functions Standard: $0.025 per 1,000 state transitions, retries included. */
export const STEP_FUNCTIONS_STATE_TRANSITION: Price = {
  usd: 0.025 / 1000,
  per: 'state transition',
  source: 'https://aws.amazon.com/step-functions/pricing/',
  read: READ,
};

/** Secrets Manager: $0.05 per 10,000 API calls. */
export const SECRETS_MANAGER_API_CALL: Price = {
  usd: 0.05 / 10_000,
  per: 'API call',
  source: 'https://aws.amazon.com/secrets-manager/pricing/',
  read: READ,
};

/** Secrets Manager: $0.40 per secret per month (prorated by the hour). */
export const SECRETS_MANAGER_SECRET_MONTH: Price = {
  usd: 0.4,
  per: 'secret-month',
  source: 'https://aws.amazon.com/secrets-manager/pricing/',
  read: READ,
};

/** Lambda: $0.20 per million requests. */
export const LAMBDA_REQUEST: Price = {
  usd: 0.2 / 1e6,
  per: 'request',
  source: 'https://aws.amazon.com/lambda/pricing/',
  read: READ,
};

/** Lambda on Arm (the functions run on ARM_64): $0.0000133334 per GB-second (first 7.5 billion GB-s a month). */
export const LAMBDA_ARM_GB_SECOND: Price = {
  usd: 0.0000133334,
  per: 'GB-second',
  source: 'https://aws.amazon.com/lambda/pricing/',
  read: READ,
};

/** API Gateway HTTP API: $1.00 per million requests (first 300 million a month). */
export const HTTP_API_REQUEST: Price = {
  usd: 1.0 / 1e6,
  per: 'request',
  source: 'https://aws.amazon.com/api-gateway/pricing/',
  read: READ,
};

/** KMS: $0.03 per 10,000 requests (the connection secrets' customer-managed key: a data key per secret write, a decrypt per read). */
export const KMS_REQUEST: Price = {
  usd: 0.03 / 10_000,
  per: 'request',
  source: 'https://aws.amazon.com/kms/pricing/',
  read: READ,
};

/** The functions' memory (infra/constructs/onramp-function.ts). */
export const LAMBDA_MEMORY_GB = 512 / 1024;

export const PRICES = {
  DYNAMODB_WRITE_REQUEST_UNIT,
  DYNAMODB_READ_REQUEST_UNIT,
  STEP_FUNCTIONS_STATE_TRANSITION,
  SECRETS_MANAGER_API_CALL,
  SECRETS_MANAGER_SECRET_MONTH,
  LAMBDA_REQUEST,
  LAMBDA_ARM_GB_SECOND,
  HTTP_API_REQUEST,
  KMS_REQUEST,
} as const;
