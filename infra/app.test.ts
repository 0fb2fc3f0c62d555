import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import aslValidator from 'asl-validator';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveDefinition } from '../local/definition.js';
import { FUNCTIONS, ROUTES } from '../shared/http/routes.js';
import { CONTENT_SECURITY_POLICY, HSTS_MAX_AGE_SECONDS, ORIGIN_SECRET_HEADER, REFERRER_POLICY } from '../shared/http/security-headers.js';
import { SPA_REWRITE_CODE } from './constructs/spa-rewrite.js';
import { createOnrampApp } from './app.js';
import { SECRET_ACCESS, SECRET_KINDS, type SecretAccess, type SecretKind } from './secret-access.js';
import { deployAppOrigin, deployEnvironment } from './config.js';

const web = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-web-'));
fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>Onramp</title>');
fs.mkdirSync(path.join(web, 'assets'));
fs.writeFileSync(path.join(web, 'assets', 'index.js'), 'console.log(1);\n//# sourceMappingURL=index.js.map');
fs.writeFileSync(path.join(web, 'assets', 'index.js.map'), '{"version":3}');
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-cdk-'));

let built: ReturnType<typeof createOnrampApp>;
let stateful: Template;
let stateless: Template;
let site: Template;
let edge: Template;

beforeAll(() => {
  built = createOnrampApp({
    appOrigin: 'https://onramp.example.com',
    env: { account: '111111111111', region: 'eu-west-1' },
    bundle: false,
    webAssetPath: web,
    wizardStepTimeout: Duration.days(14),
    outdir,
  });
  stateful = Template.fromStack(built.stateful);
  stateless = Template.fromStack(built.stateless);
  site = Template.fromStack(built.site!);
  edge = Template.fromStack(built.edge!);
});

const functionsWith = (template: Template, variable: string) =>
  Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { ONRAMP_FUNCTION: Match.anyValue() } } } })).filter(
    (f) => f.Properties.Environment.Variables[variable] !== undefined,
  );
const fnId = (f: Record<string, any>) => String(f.Properties.Environment.Variables.ONRAMP_FUNCTION);
/** The statements of a function's role policy (by ONRAMP_FUNCTION), each with its actions, resources and condition. */
const policyStatementsOf = (functionId: string) => {
  const [fn] = Object.values(stateless.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { ONRAMP_FUNCTION: functionId } } } }));
  const roleId = fn!.Properties.Role['Fn::GetAtt'][0] as string;
  return Object.values(stateless.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[])
    .map((s) => ({ actions: [s.Action].flat(), resources: [s.Resource].flat().map((r) => JSON.stringify(r)), condition: s.Condition }));
};

describe('the stateful stack', () => {
  it('holds one on-demand, encrypted table with point-in-time recovery, kept on stack deletion', () => {
    stateful.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    stateful.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      }),
    });
  });
});

describe('the stateless stack', () => {
  it('creates one HTTP API route per entry of the shared route table', () => {
    for (const route of ROUTES) {
      stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `${route.method} ${route.path}` });
    }
    stateless.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.length);
  });

  it('runs every function on Node.js 22, ARM64, with its own log group', () => {
    const fns = stateless.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { ONRAMP_FUNCTION: Match.anyValue() } } } });
    expect(Object.keys(fns)).toHaveLength(Object.keys(FUNCTIONS).length);
    for (const fn of Object.values(fns)) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
      expect(fn.Properties.LoggingConfig?.LogGroup).toBeDefined();
    }
  });

  const policyStatements = (fnLogicalPrefix: string) =>
    Object.entries(stateless.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith(fnLogicalPrefix))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[])
      .map((s) => ({ actions: [s.Action].flat(), resources: [s.Resource].flat().map((r) => JSON.stringify(r)), condition: s.Condition }));
  const LOGICAL: Record<string, string> = {
    accounts: 'AccountsFunction', connect: 'ConnectFunction', books: 'BooksFunction', oauthCallback: 'OAuthCallbackFunction',
    keysCallback: 'KeysCallbackFunction', refresher: 'RefresherFunction', support: 'SupportFunction', auth: 'AuthFunction',
    wizardTask: 'WizardTaskFunction', catalog: 'CatalogFunction',
  };
  /** Each (action, name pattern) a function is granted on connection secrets (`onramp/`, not the app secrets' `onramp-apps/`). */
  const connectionSecretGrants = (fn: string) =>
    policyStatements(LOGICAL[fn]!)
      .flatMap((s) => s.actions.flatMap((a) => s.resources.map((r) => [a, r] as const)))
      .filter(([a, r]) => a.startsWith('secretsmanager:') && r.includes(':secret:onramp/'))
      .map(([a, r]) => `${a.replace('secretsmanager:', '')} ${r.replace(/^.*:secret:onramp\//, '').replace(/"$/, '')}`)
      .sort();

  it('grants each function exactly the secret actions it calls, on exactly the kinds of secret it calls them on', () => {
    for (const fn of Object.keys(LOGICAL)) {
      const access = (SECRET_ACCESS as Record<string, SecretAccess>)[fn];
      const expected = Object.entries(access?.actions ?? {})
        .flatMap(([action, kinds]) => (kinds as SecretKind[]).flatMap((k) => [`${action} ${SECRET_KINDS[k]}`, ...(action === 'CreateSecret' ? [`TagResource ${SECRET_KINDS[k]}`] : [])]))
        .sort();
      expect(connectionSecretGrants(fn), fn).toEqual(expected);
      const lists = policyStatements(LOGICAL[fn]!).some((s) => s.actions.includes('secretsmanager:ListSecrets'));
      expect(lists, fn).toBe(access?.list === true);
    }
  });

  it('lets the books function touch only the books secrets (the seller\u2019s shared ones and a pending consent\u2019s), never a channel\u2019s', () => {
    expect(connectionSecretGrants('books')).toEqual([
      'CreateSecret books-*/books*',
      'DeleteSecret */books-pending*',
      'DeleteSecret books-*/books*',
      'GetSecretValue */books-pending*',
      'GetSecretValue books-*/books*',
      'PutSecretValue books-*/books*',
      'TagResource books-*/books*',
    ]);
    // What the patterns match, as IAM matches them (`*` across `/`), against the names the credentials' owner makes.
    const matches = (pattern: string, name: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(name);
    const seller = '3f0c8a8e-2b1e-4c1d-9a0e-1b2c3d4e5f60';
    const account = '7d1f2e3c-4b5a-4978-8a6b-5c4d3e2f1a00';
    const names = {
      channel: `${account}/channel-0123456789abcdef01234567-AbCdEf`,
      books: `books-${seller}/books-0123456789abcdef01234567-AbCdEf`,
      booksPending: `${account}/books-pending-0123456789abcdef01234567-AbCdEf`,
    };
    for (const [kind, pattern] of Object.entries(SECRET_KINDS)) {
      for (const [other, name] of Object.entries(names)) expect(matches(pattern, name), `${pattern} ~ ${other}`).toBe(kind === other);
    }
  });

  it('lets no function but books and the refresher read a connection secret', () => {
    const readers = Object.keys(LOGICAL).filter((fn) => connectionSecretGrants(fn).some((g) => g.startsWith('GetSecretValue')));
    expect(readers.sort()).toEqual(['books', 'refresher']);
    // The refresher creates none, so a deleted connection never comes back through it.
    expect(connectionSecretGrants('refresher').filter((g) => g.startsWith('CreateSecret'))).toEqual([]);
  });

  it('lets the functions that read a session with its account, and write a change with its events in one transaction, do so on the table', () => {
    const policies = stateless.findResources('AWS::IAM::Policy');
    const tableActions = (fnLogicalPrefix: string) =>
      Object.entries(policies)
        .filter(([id]) => id.startsWith(fnLogicalPrefix))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((st) => JSON.stringify(st.Resource).includes('Table'))
        .flatMap((st) => [st.Action].flat());
    // A seller's route about one account reads the session and the account in one BatchGetItem.
    for (const fn of ['AccountsFunction', 'ConnectFunction', 'BooksFunction', 'OAuthCallbackFunction']) expect(tableActions(fn), fn).toContain('dynamodb:BatchGetItem');
    // The orphan report (`onramp-support orphans`, and `show`) reads every connection record, as the refresher's sweep does.
    expect(tableActions('SupportFunction')).toEqual(expect.arrayContaining(['dynamodb:Scan', 'dynamodb:BatchGetItem']));
    // TransactWriteItems has no IAM action of its own: DynamoDB checks each action as the PutItem or UpdateItem it is.
    for (const fn of ['AuthFunction', 'AccountsFunction', 'ConnectFunction', 'BooksFunction', 'OAuthCallbackFunction', 'KeysCallbackFunction', 'WizardTaskFunction']) {
      expect(tableActions(fn), fn).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem']));
    }
  });

  it('never lets a deployed function call local stores', () => {
    const fns = stateless.findResources('AWS::Lambda::Function');
    for (const fn of Object.values(fns)) expect(fn.Properties.Environment?.Variables?.ALLOW_LOCAL_STORES).toBeUndefined();
  });

  it('routes the key callback (WooCommerce\u2019s store posting the keys it created) to a function of its own', () => {
    const fns = stateless.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { ONRAMP_FUNCTION: 'keysCallback' } } } });
    const [logicalId] = Object.keys(fns);
    expect(logicalId).toBeDefined();
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /api/oauth/{provider}/callback' });
    const integrations = stateless.findResources('AWS::ApiGatewayV2::Integration');
    expect(JSON.stringify(integrations)).toContain(logicalId!);
  });

  it('runs the refresher every 15 minutes from EventBridge Scheduler, through a role that may invoke only the refresher, off the API', () => {
    const [logicalId] = Object.keys(stateless.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { ONRAMP_FUNCTION: 'refresher' } } } }));
    expect(logicalId).toBeDefined();
    expect(JSON.stringify(stateless.findResources('AWS::ApiGatewayV2::Integration'))).not.toContain(logicalId!);
    const schedules = Object.values(stateless.findResources('AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(1);
    expect(schedules[0]!.Properties).toMatchObject({ ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED', Target: { Arn: { 'Fn::GetAtt': [logicalId, 'Arn'] } } });
    const roleId = (schedules[0]!.Properties.Target.RoleArn['Fn::GetAtt'] as string[])[0]!;
    const role = stateless.findResources('AWS::IAM::Role')[roleId]!;
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('scheduler.amazonaws.com');
    const statements = Object.values(stateless.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]);
    expect(statements.map((s) => s.Action)).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(statements.map((s) => s.Resource))).toContain(logicalId!);
    const fn = stateless.findResources('AWS::Lambda::Function')[logicalId!]!;
    expect(fn.Properties.Timeout).toBe(300);
  });

  it('gives the catalog function no access to the table', () => {
    const fns = stateless.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { ONRAMP_FUNCTION: 'catalog' } } } });
    const [fn] = Object.values(fns);
    expect(fn?.Properties.Environment.Variables.TABLE_NAME).toBeUndefined();
  });

  it('keeps the support function off the API and gives support staff a policy to invoke it, and only it', () => {
    const fns = stateless.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { ONRAMP_FUNCTION: 'support' } } } });
    const [logicalId] = Object.keys(fns);
    const integrations = stateless.findResources('AWS::ApiGatewayV2::Integration');
    expect(JSON.stringify(integrations)).not.toContain(logicalId!);
    stateless.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId, 'Arn'] } }] },
    });
  });

  it('records every Invoke of the support function, and only that, in a CloudTrail trail of its own', () => {
    const [logicalId] = Object.keys(stateless.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { ONRAMP_FUNCTION: 'support' } } } }));
    stateless.resourceCountIs('AWS::CloudTrail::Trail', 1);
    stateless.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsLogging: true,
      EnableLogFileValidation: true,
      EventSelectors: [
        {
          IncludeManagementEvents: false,
          ReadWriteType: 'All',
          DataResources: [{ Type: 'AWS::Lambda::Function', Values: [{ 'Fn::GetAtt': [logicalId, 'Arn'] }] }],
        },
      ],
    });
  });

  it('has exactly one Standard state machine whose definition passes asl-validator', () => {
    stateless.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    stateless.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'STANDARD' });
    const { definition } = resolveDefinition(stateless.toJSON() as never);
    const { isValid, errorsText } = aslValidator(definition as never);
    expect(isValid, errorsText?.()).toBe(true);
  });

  it('waits for a task token at every wizard step, with the configured timeout and a Catch for timeouts', () => {
    const { definition } = resolveDefinition(stateless.toJSON() as never);
    const states = definition.States as Record<string, Record<string, any>>;
    const waits = Object.values(states).filter((s) => String(s.Resource).endsWith('.waitForTaskToken'));
    expect(waits).toHaveLength(3);
    for (const s of waits) {
      expect(s.TimeoutSeconds).toBe(14 * 24 * 3600);
      expect(s.Catch.map((c: { ErrorEquals: string[] }) => c.ErrorEquals[0])).toEqual(['States.Timeout', 'States.ALL']);
    }
    expect(states['Start at saved step']?.Type).toBe('Choice');
  });
});

describe('the site stack', () => {
  it('serves a private bucket through CloudFront with origin access control and routes /api/* to the API', () => {
    site.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    site.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    site.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: [Match.objectLike({ PathPattern: '/api/*', ViewerProtocolPolicy: 'https-only' })],
      }),
    });
  });

  it('falls back to the web app only on the web behaviour: no error responses, a viewer-request function on the default behaviour alone', () => {
    const [dist] = Object.values(site.findResources('AWS::CloudFront::Distribution'));
    const config = dist!.Properties.DistributionConfig;
    expect(config.CustomErrorResponses).toBeUndefined();
    const [fnLogicalId] = Object.keys(site.findResources('AWS::CloudFront::Function'));
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnLogicalId, 'FunctionARN'] } }]);
    for (const behavior of config.CacheBehaviors) expect(behavior.FunctionAssociations).toBeUndefined();
    site.hasResourceProperties('AWS::CloudFront::Function', { FunctionCode: SPA_REWRITE_CODE });
  });

  it.each([
    ['/', '/index.html'],
    ['/accounts/new', '/index.html'],
    ['/accounts/3f0c8a8e-2b1e/setup', '/index.html'],
    ['/assets/index-C3ti9u_M.js', '/assets/index-C3ti9u_M.js'],
    ['/config.json', '/config.json'],
  ])('rewrites %s to %s', (uri, expected) => {
    const handler = new Function(`${SPA_REWRITE_CODE}; return handler;`)() as (e: unknown) => { uri: string };
    expect(handler({ request: { uri, headers: {} } }).uri).toBe(expected);
  });

  it('adds the shared security headers to pages and API answers alike', () => {
    const [policyId] = Object.keys(site.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    site.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: {
          ContentSecurityPolicy: { ContentSecurityPolicy: CONTENT_SECURITY_POLICY, Override: true },
          StrictTransportSecurity: { AccessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS, IncludeSubdomains: true, Override: true },
          ReferrerPolicy: { ReferrerPolicy: REFERRER_POLICY, Override: true },
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
        },
      }),
    });
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    const [dist] = Object.values(site.findResources('AWS::CloudFront::Distribution'));
    const config = dist!.Properties.DistributionConfig;
    for (const behavior of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });

  it('sends the API a secret origin header resolved at deploy time, and lets every HTTP function read the secret, never holding its value', () => {
    const [dist] = Object.values(site.findResources('AWS::CloudFront::Distribution'));
    const api = dist!.Properties.DistributionConfig.Origins.find((o: { CustomOriginConfig?: unknown }) => o.CustomOriginConfig);
    expect(api.OriginCustomHeaders).toHaveLength(1);
    expect(api.OriginCustomHeaders[0].HeaderName).toBe(ORIGIN_SECRET_HEADER);
    expect(JSON.stringify(api.OriginCustomHeaders[0].HeaderValue)).toContain('{{resolve:secretsmanager:');
    const httpFunctions = new Set(ROUTES.map((r) => r.fn));
    expect(new Set(functionsWith(stateless, 'ORIGIN_VERIFY_SECRET_ARN').map(fnId))).toEqual(httpFunctions);
    // The value is in no function's configuration (GetFunctionConfiguration would show it).
    for (const f of Object.values(stateless.findResources('AWS::Lambda::Function'))) {
      expect(f.Properties.Environment?.Variables?.ORIGIN_VERIFY_SECRET).toBeUndefined();
      expect(JSON.stringify(f.Properties.Environment ?? {})).not.toContain('{{resolve:secretsmanager:');
    }
    for (const f of functionsWith(stateless, 'SITE_ORIGIN')) {
      const arn = JSON.stringify(f.Properties.Environment.Variables.ORIGIN_VERIFY_SECRET_ARN);
      expect(arn).toContain('OriginSecret');
      expect(JSON.stringify(f.Properties.Environment.Variables.SITE_ORIGIN)).toContain('https://');
      expect(f.Properties.Environment.Variables.CLIENT_ADDRESS_HEADER).toBe('cloudfront-viewer-address');
      const reads = policyStatementsOf(fnId(f)).filter((s) => s.actions.includes('secretsmanager:GetSecretValue') && s.resources.some((r) => r === arn));
      expect(reads, fnId(f)).toHaveLength(1);
    }
    // The execute-api endpoint stays on (CloudFront needs it without a custom domain); the functions refuse requests without the header.
    stateful.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: false });
  });

  it('forwards the viewer address to the API, and never the Host', () => {
    site.hasResourceProperties('AWS::CloudFront::OriginRequestPolicy', {
      OriginRequestPolicyConfig: Match.objectLike({
        HeadersConfig: { HeaderBehavior: 'whitelist', Headers: Match.arrayWith(['content-type', 'origin', 'CloudFront-Viewer-Address']) },
      }),
    });
    const [policy] = Object.values(site.findResources('AWS::CloudFront::OriginRequestPolicy'));
    expect(policy!.Properties.OriginRequestPolicyConfig.HeadersConfig.Headers.map((h: string) => h.toLowerCase())).not.toContain('host');
  });

  it('publishes no source maps', () => {
    const staged = fs.readdirSync(outdir).filter((d) => d.startsWith('asset.') && fs.existsSync(path.join(outdir, d, 'index.html')));
    expect(staged).toHaveLength(1);
    const files = fs.readdirSync(path.join(outdir, staged[0]!), { recursive: true }).map(String);
    expect(files).toContain(path.join('assets', 'index.js'));
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('deploys a config.json beside the web app', () => {
    site.resourceCountIs('Custom::CDKBucketDeployment', 1);
  });
});

describe('the edge stack', () => {
  it('deploys in us-east-1 a CloudFront web ACL with a rate limit on /api/auth/*, one on /api/*, and the AWS common rule set, associated to the distribution', () => {
    expect(built.edge!.region).toBe('us-east-1');
    const rateRule = (name: string, path: string) =>
      Match.objectLike({
        Name: name,
        Action: { Block: Match.objectLike({ CustomResponse: Match.objectLike({ ResponseCode: 429 }) }) },
        Statement: {
          RateBasedStatement: Match.objectLike({
            AggregateKeyType: 'IP',
            EvaluationWindowSec: 300,
            ScopeDownStatement: { ByteMatchStatement: Match.objectLike({ SearchString: path, PositionalConstraint: 'STARTS_WITH', FieldToMatch: { UriPath: {} } }) },
          }),
        },
      });
    edge.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        rateRule('RateLimitAuth', '/api/auth/'),
        rateRule('RateLimitApi', '/api/'),
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } } }),
      ],
    });
    const [acl] = Object.values(edge.findResources('AWS::WAFv2::WebACL'));
    const api = acl!.Properties.Rules.find((r: { Name: string }) => r.Name === 'RateLimitApi');
    // Per client, well above a seller's own use (a page makes a few calls), well below the stage's 50 requests a second.
    expect(api.Statement.RateBasedStatement.Limit).toBeGreaterThanOrEqual(300);
    expect(api.Statement.RateBasedStatement.Limit).toBeLessThan(50 * 300);
    const [dist] = Object.values(site.findResources('AWS::CloudFront::Distribution'));
    expect(JSON.stringify(dist!.Properties.DistributionConfig.WebACLId)).toContain('WebAclArn');
  });

  it('keeps query strings and cookies out of everything WAF keeps: no sampled requests, and its log redacts them', () => {
    const [acl] = Object.values(edge.findResources('AWS::WAFv2::WebACL'));
    const visibilities = [acl!.Properties.VisibilityConfig, ...acl!.Properties.Rules.map((r: { VisibilityConfig: unknown }) => r.VisibilityConfig)];
    for (const v of visibilities) expect(v).toMatchObject({ SampledRequestsEnabled: false, CloudWatchMetricsEnabled: true });
    const [aclId] = Object.keys(edge.findResources('AWS::WAFv2::WebACL'));
    edge.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
      RedactedFields: Match.arrayWith([{ QueryString: {} }, { SingleHeader: { Name: 'cookie' } }]),
    });
  });
});

describe('logs', () => {
  it('deliver CloudFront\u2019s access logs (standard logging v2, in us-east-1) without the query string, the cookies or the referrer, and no legacy logs', () => {
    expect(built.edgeLogs!.region).toBe('us-east-1');
    const logs = Template.fromStack(built.edgeLogs!);
    logs.hasResourceProperties('AWS::Logs::DeliverySource', { LogType: 'ACCESS_LOGS', ResourceArn: Match.anyValue() });
    const [delivery] = Object.values(logs.findResources('AWS::Logs::Delivery'));
    const fields = delivery!.Properties.RecordFields as string[];
    expect(fields).toEqual(expect.arrayContaining(['date', 'time', 'c-ip', 'cs-method', 'cs-uri-stem', 'sc-status']));
    for (const secretBearing of ['cs-uri-query', 'cs(Cookie)', 'cs(Referer)']) expect(fields).not.toContain(secretBearing);
    const [dist] = Object.values(site.findResources('AWS::CloudFront::Distribution'));
    expect(dist!.Properties.DistributionConfig.Logging).toBeUndefined();
  });

  it('write the API\u2019s access log with the route, never the path\u2019s query string', () => {
    const [stage] = Object.values(stateless.findResources('AWS::ApiGatewayV2::Stage'));
    const format = String(stage!.Properties.AccessLogSettings.Format);
    expect(JSON.parse(format)).toMatchObject({ routeKey: '$context.routeKey', status: '$context.status' });
    for (const v of ['$context.path', 'querystring', 'rawQueryString', '$context.identity.caller']) expect(format.toLowerCase()).not.toContain(v.toLowerCase());
  });
});

describe('connection secrets', () => {
  const keyPolicy = () => Object.values(stateful.findResources('AWS::KMS::Key'))[0]!.Properties.KeyPolicy.Statement as { Sid?: string; Effect: string; Principal: any; Action: string | string[]; Condition?: any }[];
  /** The fixed role name of each stateless function that has a KMS grant on the secrets key. */
  const keyUserRoles = () => {
    const roles = stateless.findResources('AWS::IAM::Role');
    const policies = stateless.findResources('AWS::IAM::Policy');
    return Object.values(policies)
      .filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('kms:ViaService'))
      .map((p) => roles[p.Properties.Roles[0].Ref]!.Properties.RoleName as string)
      .sort();
  };

  it('are encrypted with a customer-managed key that rotates', () => {
    stateful.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('can be decrypted by the exact roles of the functions that use them, and by no other principal, administrators and root included', () => {
    const deny = keyPolicy().find((s) => s.Sid === 'OnlyOnrampFunctionsDecryptConnectionSecrets')!;
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:Decrypt' });
    expect(JSON.stringify(deny.Condition.StringLike)).toContain(':secretsmanager:eu-west-1:111111111111:secret:onramp/*');
    expect(deny.Condition.ArnLike).toBeUndefined();
    const exempt = (deny.Condition.ArnNotEquals['aws:PrincipalArn'] as unknown[]).map((a) => JSON.stringify(a));
    for (const arn of exempt) expect(arn).not.toContain('*');
    const names = exempt.map((a) => /:role\/([^"]+)"/.exec(a)?.[1]).sort();
    expect(names).toEqual(keyUserRoles());
    expect(names).toEqual(['books', 'connect', 'keysCallback', 'oauthCallback', 'refresher'].map((f) => `OnrampStateless-${f}-eu-west-1`));
  });

  it('gives the account root no kms:*, and lets only the break-glass role and the deploying role change the key', () => {
    const statements = keyPolicy();
    for (const s of statements.filter((x) => x.Effect === 'Allow' && JSON.stringify(x.Principal).includes(':root'))) {
      expect([s.Action].flat()).not.toContain('kms:*');
      expect([s.Action].flat()).not.toContain('kms:PutKeyPolicy');
    }
    const [breakGlassId] = Object.keys(stateful.findResources('AWS::IAM::Role', { Properties: { RoleName: Match.stringLikeRegexp('^OnrampSecretsKeyBreakGlass-') } }));
    expect(breakGlassId).toBeDefined();
    const deny = statements.find((s) => s.Sid === 'NobodyElseChangesTheKey')!;
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
    expect(deny.Action).toEqual(expect.arrayContaining(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:CreateGrant']));
    const admins = (deny.Condition.ArnNotEquals['aws:PrincipalArn'] as unknown[]).map((a) => JSON.stringify(a));
    expect(admins).toHaveLength(2);
    expect(admins[0]).toBe(JSON.stringify({ 'Fn::GetAtt': [breakGlassId, 'Arn'] }));
    expect(admins[1]).toMatch(/:role\/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1"/);
    const allowed = statements.find((s) => s.Sid === 'BreakGlassAndDeployRoleAdministerTheKey')!;
    expect((allowed.Principal.AWS as unknown[]).map((a) => JSON.stringify(a))).toEqual(admins);
    // The break-glass role is assumed by a person with MFA, and holds no IAM permissions of its own.
    stateful.hasResourceProperties('AWS::IAM::Role', {
      RoleName: Match.stringLikeRegexp('^OnrampSecretsKeyBreakGlass-'),
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })] },
    });
    expect(JSON.stringify(stateful.findResources('AWS::IAM::Policy'))).not.toContain(breakGlassId!);
  });

  it('are used through Secrets Manager only, and only with the KMS actions each function needs', () => {
    const users = functionsWith(stateless, 'SECRET_PREFIX');
    expect(users.map(fnId).sort()).toEqual(['accounts', 'books', 'connect', 'keysCallback', 'oauthCallback', 'refresher', 'support']);
    expect(functionsWith(stateless, 'SECRETS_KMS_KEY_ID').map(fnId).sort()).toEqual(['books', 'connect', 'keysCallback', 'oauthCallback', 'refresher']);
    const kms = (fn: string) => policyStatementsOf(fn).filter((s) => s.actions.some((a) => a.startsWith('kms:')));
    for (const fn of ['books', 'connect', 'keysCallback', 'oauthCallback', 'refresher']) {
      const [grant] = kms(fn);
      expect(grant?.condition, fn).toEqual({ StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } });
      expect(grant?.actions.sort(), fn).toEqual(fn === 'books' || fn === 'refresher' || fn === 'connect' || fn === 'keysCallback' || fn === 'oauthCallback' ? ['kms:Decrypt', 'kms:GenerateDataKey'] : []);
    }
    // Start over and a support reset only list and delete: no use of the key at all.
    for (const fn of ['accounts', 'support']) expect(kms(fn), fn).toEqual([]);
  });
});

describe('the deploy environment', () => {
  it('names each missing or malformed variable instead of guessing an account', () => {
    expect(() => deployEnvironment({})).toThrow(/ONRAMP_ACCOUNT.*ONRAMP_REGION/);
    expect(() => deployEnvironment({ ONRAMP_ACCOUNT: '123', ONRAMP_REGION: 'eu-west-1' })).toThrow(/ONRAMP_ACCOUNT: must be a 12-digit/);
    const good = { ONRAMP_ACCOUNT: '123456789012', ONRAMP_REGION: 'eu-west-1', ONRAMP_APP_ORIGIN: 'https://app.example.com/' };
    expect(deployEnvironment(good)).toEqual({ account: '123456789012', region: 'eu-west-1' });
    expect(deployAppOrigin(good)).toBe('https://app.example.com');
    expect(() => deployAppOrigin({ ...good, ONRAMP_APP_ORIGIN: 'http://app.example.com' })).toThrow(/ONRAMP_APP_ORIGIN: must be the https origin/);
  });
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in any stack under the AwsSolutions rules', () => {
    expect(() => built.app.synth()).not.toThrow();
  });

  it('justifies every acknowledgement in one line', () => {
    const source = fs.readFileSync(path.join(import.meta.dirname, 'nag.ts'), 'utf8');
    const reasons = [...source.matchAll(/'AwsSolutions-[^']*'|`AwsSolutions-[^`]*`/g)];
    expect(reasons.length).toBeGreaterThan(5);
    for (const m of source.matchAll(/ack\([^,]+,\s*[^,]+,\s*'([^']*)'\)/g)) {
      expect(m[1]!.length).toBeGreaterThan(20);
      expect(m[1]).not.toContain('\n');
    }
  });
});
