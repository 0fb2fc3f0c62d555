/**
 * cdk-nag AwsSolutions acknowledgements, each justified in one line.
 * A new finding fails synthesis until it is fixed or justified here.
 */
import { Validations, type Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

interface Stacks {
  readonly stateful: Stack;
  readonly stateless: Stack & { readonly functions: Record<string, IConstruct>; readonly wizard: IConstruct };
  readonly site: Stack | undefined;
  readonly edge: Stack | undefined;
  readonly edgeLogs?: Stack | undefined;
}

export function acknowledgeFindings({ stateful, stateless, site }: Stacks): void {
  const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
  const fnPolicy = 'arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

  ack(stateful, 'AwsSolutions-SMG4', 'The app secrets hold credentials each provider issues and rotates on its own console (the operator replaces them); the origin secret is a static CloudFront header, rotated by redeploying the site and stateless stacks together.');
  ack(stateless, 'AwsSolutions-APIG4', 'Routes authorize in the function: a server-side session cookie, checked per route; public routes are sign-up, sign-in and the catalog.');
  ack(stateless, `AwsSolutions-IAM4[Policy::${fnPolicy}]`, 'The AWS-managed basic execution role only lets a function write its own logs.');
  ack(stateless, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray, log delivery and secretsmanager:ListSecrets have no resource-level permissions.');
  ack(stateless, 'AwsSolutions-IAM5[Resource::OnrampStateful:ExportsOutputFnGetAttTableCD117FA1ArnE2C8C204/index/*]', 'Queries on the table\u2019s own indexes (the CDK grant names them by wildcard).');
  // One secret per connection is created at run time under a fresh random name; each grant names its kind's pattern (infra/secret-access.ts).
  const secretArn = (pattern: string) => `AwsSolutions-IAM5[Resource::arn:aws:secretsmanager:${stateless.region}:${stateless.account}:secret:onramp/${pattern}]`;
  ack(stateless, secretArn('*/channel*'), 'Channel secrets are created at run time, one per connection, named onramp/<account>/channel-<random>.');
  ack(stateless, secretArn('books-*/books*'), 'Books secrets are created at run time, one per seller and organisation, named onramp/books-<seller>/books-<random>.');
  ack(stateless, secretArn('*/books-pending*'), 'A books consent awaiting its organisation is a secret created at run time, named onramp/<account>/books-pending-<random>.');
  ack(stateless, 'AwsSolutions-IAM5[Resource::<WizardTaskFunction9EA3C6B5.Arn>:*]', 'The state machine invokes any version of its own task function.');
  ack(stateless, 'AwsSolutions-IAM5[Resource::<RefresherFunction38050F79.Arn>:*]', 'The refresher\u2019s schedule invokes any version of that one function, and nothing else.');
  for (const f of Object.values(stateless.functions)) {
    for (const [id, reason] of [
      [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${stateless.region}:${stateless.account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"WizardStateMachine0C01267A"}]}]}:*]`, 'Stopping and describing the wizard\u2019s own executions, whose names are minted per account.'],
    ] as const) ack(f, id, reason);
  }
  ack(stateless, 'AwsSolutions-L1', 'Node.js 22 is the runtime the bundles target and the one we test; raised deliberately, not by a linter.');
  if (!site) return;
  ack(site, `AwsSolutions-IAM4[Policy::${fnPolicy}]`, 'The CDK bucket-deployment function only writes its own logs with this role.');
  ack(site, 'AwsSolutions-L1', 'The CDK bucket-deployment function\u2019s runtime is chosen by aws-cdk-lib.');
  for (const finding of [
    'Action::s3:Abort*',
    'Action::s3:DeleteObject*',
    'Action::s3:GetBucket*',
    'Action::s3:GetObject*',
    'Action::s3:List*',
    'Resource::*',
    'Resource::<Web3C8945DB.Arn>/*',
    `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${site.account}-${site.region}/*`,
  ]) {
    ack(site, `AwsSolutions-IAM5[${finding}]`, 'The CDK bucket-deployment function copies the built web app from the CDK asset bucket into the site bucket.');
  }
  ack(site, 'AwsSolutions-CFR1', 'Sellers anywhere may use Onramp; no geographic restriction applies.');
  ack(site, 'AwsSolutions-CFR3', 'Access logs are delivered by CloudFront standard logging v2 (OnrampEdgeLogs), which leaves out query strings and cookies.');
  ack(site, 'AwsSolutions-CFR4', 'The default CloudFront certificate is used until a custom domain is configured; viewers are redirected to HTTPS.');
}
