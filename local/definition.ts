/**
 * The state machine definition as the CDK synthesizes it, resolved to JSON,
 * with each Lambda it invokes mapped back to our function id. One definition,
 * two runtimes: this is what the local Step Functions endpoint executes.
 */
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createOnrampApp } from '../infra/app.js';
import type { FunctionId } from '../shared/http/routes.js';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

export const localFunctionArn = (id: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:onramp-${id}`;

export interface LocalDefinition {
  readonly definition: Record<string, unknown>;
  /** Function ARN (as resolved into the definition) → function id. */
  readonly functions: ReadonlyMap<string, FunctionId>;
}

type Cfn = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** Synthesizes the stateless stack (no bundling, no nag) and resolves its one state machine. */
export function synthesizeWizardDefinition(stepTimeoutSeconds: number): LocalDefinition {
  const { stateless } = createOnrampApp({
    appOrigin: 'https://onramp.example.com',
    env: { account: LOCAL_ACCOUNT, region: LOCAL_REGION },
    bundle: false,
    nag: false,
    site: false,
    validate: false,
    wizardStepTimeout: Duration.seconds(stepTimeoutSeconds),
  });
  return resolveDefinition(Template.fromStack(stateless).toJSON() as { Resources: Cfn });
}

export function resolveDefinition(template: { Resources: Cfn }): LocalDefinition {
  const resources = template.Resources;
  const functions = new Map<string, FunctionId>();
  const machines = Object.values(resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`Expected one state machine, found ${machines.length}`);
  const resolve = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const v = value as Record<string, unknown>;
    if (Array.isArray(v['Fn::Join'])) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(resolve).join(sep);
    }
    if (Array.isArray(v['Fn::GetAtt'])) {
      const [logicalId] = v['Fn::GetAtt'] as [string, string];
      const fn = resources[logicalId];
      const env = (fn?.Properties?.Environment as { Variables?: Record<string, string> } | undefined)?.Variables;
      const id = env?.ONRAMP_FUNCTION as FunctionId | undefined;
      if (fn?.Type !== 'AWS::Lambda::Function' || !id) throw new Error(`Cannot resolve ${logicalId} to a local function`);
      const arn = localFunctionArn(id);
      functions.set(arn, id);
      return arn;
    }
    if (typeof v.Ref === 'string') {
      const ref = v.Ref;
      if (ref === 'AWS::Partition') return 'aws';
      if (ref === 'AWS::Region') return LOCAL_REGION;
      if (ref === 'AWS::AccountId') return LOCAL_ACCOUNT;
      if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
      return ref;
    }
    throw new Error(`Cannot resolve ${JSON.stringify(value)}`);
  };
  const definition = JSON.parse(resolve(machines[0]!.Properties?.DefinitionString)) as Record<string, unknown>;
  return { definition, functions };
}
