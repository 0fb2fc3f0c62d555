import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import aslValidator from 'asl-validator';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveDefinition } from '../local/definition.js';
import { FUNCTIONS, ROUTES } from '../shared/routes.js';
import { createOnrampApp } from './app.js';
import { deployAppOrigin, deployEnvironment } from './config.js';

const web = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-web-'));
fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>Onramp</title>');

let built: ReturnType<typeof createOnrampApp>;
let stateful: Template;
let stateless: Template;
let site: Template;

beforeAll(() => {
  built = createOnrampApp({
    appOrigin: 'https://onramp.example.com',
    env: { account: '111111111111', region: 'eu-west-1' },
    bundle: false,
    webAssetPath: web,
    wizardStepTimeout: Duration.days(14),
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-cdk-')),
  });
  stateful = Template.fromStack(built.stateful);
  stateless = Template.fromStack(built.stateless);
  site = Template.fromStack(built.site!);
});

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

  it('grants each function only the secret actions it calls, and none reads a seller\u2019s channel secret back', () => {
    const policies = stateless.findResources('AWS::IAM::Policy');
    const actionsOf = (fnLogicalPrefix: string) => {
      const found = Object.entries(policies).filter(([id]) => id.startsWith(fnLogicalPrefix));
      return found.flatMap(([, p]) => (p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).map((s) => ({ actions: [s.Action].flat(), resource: JSON.stringify(s.Resource) })));
    };
    const secretActions = (prefix: string, onChannelSecrets: boolean) =>
      actionsOf(prefix)
        .filter((s) => s.actions.some((a) => a.startsWith('secretsmanager:')) && (onChannelSecrets ? s.resource.includes(':secret:onramp/') : true))
        .flatMap((s) => s.actions)
        .sort();
    expect(secretActions('AccountsFunction', true)).toEqual(['secretsmanager:DeleteSecret']);
    expect(secretActions('SupportFunction', true)).toEqual(['secretsmanager:DeleteSecret']);
    expect(secretActions('OAuthCallbackFunction', true)).toEqual(['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:TagResource']);
    // Pasted keys (connect) and one-click keys (the WooCommerce callback) go to the channel secret, and nowhere else.
    const WRITE = ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:TagResource'];
    for (const fn of ['ConnectFunction', 'KeysCallbackFunction']) {
      expect(secretActions(fn, true)).toEqual(WRITE);
      const onSecrets = actionsOf(fn).filter((s) => s.resource.includes(':secret:onramp/'));
      for (const s of onSecrets) expect(s.resource).toMatch(/:secret:onramp\/\*\/channel\*"/);
    }
    expect(secretActions('KeysCallbackFunction', false)).toEqual(WRITE);
    // The app secrets: read by the two functions that talk to providers, by nobody else.
    for (const fn of ['ConnectFunction', 'OAuthCallbackFunction']) expect(secretActions(fn, false)).toContain('secretsmanager:GetSecretValue');
    for (const fn of ['AccountsFunction', 'SupportFunction', 'AuthFunction', 'WizardTaskFunction', 'KeysCallbackFunction']) {
      expect(secretActions(fn, false)).not.toContain('secretsmanager:GetSecretValue');
    }
  });

  it('never lets a deployed function call local stores', () => {
    const fns = stateless.findResources('AWS::Lambda::Function');
    for (const fn of Object.values(fns)) expect(fn.Properties.Environment?.Variables?.ALLOW_LOCAL_STORES).toBeUndefined();
  });

  it('routes the WooCommerce key callback to a function of its own', () => {
    const fns = stateless.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { ONRAMP_FUNCTION: 'keysCallback' } } } });
    const [logicalId] = Object.keys(fns);
    expect(logicalId).toBeDefined();
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /api/oauth/woocommerce/callback' });
    const integrations = stateless.findResources('AWS::ApiGatewayV2::Integration');
    expect(JSON.stringify(integrations)).toContain(logicalId!);
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

  it('passes the viewer host to the API, so the same-origin check works behind CloudFront', () => {
    site.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionCode: Match.stringLikeRegexp("x-forwarded-host"),
    });
  });

  it('deploys a config.json beside the web app', () => {
    site.resourceCountIs('Custom::CDKBucketDeployment', 1);
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
