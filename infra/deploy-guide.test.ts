/**
 * docs/deploy.md, checked against the CDK app it describes: the stacks and
 * the order it deploys them in, the variables, which stack reads the app's
 * origin, the app secrets and their fields, the site's output, and the cost
 * figures it quotes from the bench.
 */
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OAUTH_PROVIDER_IDS } from '../shared/providers/index.js';
import { createOnrampApp, ROOT } from './app.js';
import { DEPLOY_VARIABLES } from './config.js';

const guide = fs.readFileSync(path.join(ROOT, 'docs', 'deploy.md'), 'utf8');
/** Where the bench's figures are reported: its measurements in bench/README.md, the prices it uses in bench/prices.ts. */
const measured = ['bench/README.md', 'bench/prices.ts'].map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8')).join('\n');
/** An origin no template would hold by chance. */
const ORIGIN = 'https://origin-only-in-one-stack.example.com';

let stacks: Stack[];
let templates: Map<string, string>;
beforeAll(() => {
  const web = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-guide-web-'));
  fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>Onramp</title>');
  const built = createOnrampApp({ appOrigin: ORIGIN, env: { account: '111111111111', region: 'eu-west-1' }, bundle: false, nag: false, validate: false, webAssetPath: web });
  stacks = [built.stateful, built.edge!, built.site!, built.stateless];
  templates = new Map(stacks.map((s) => [s.stackName, JSON.stringify(Template.fromStack(s).toJSON())]));
});

describe('the deploy guide', () => {
  it('deploys every stack of the app, each after the stacks it depends on', () => {
    const named = new Set(guide.match(/\bOnramp[A-Z][A-Za-z]+\b/g));
    expect([...named].sort()).toEqual(stacks.map((s) => s.stackName).sort());
    const order = [...guide.matchAll(/cdk deploy (Onramp\w+)/g)].map((m) => m[1]!);
    expect(stacks.find((s) => s.stackName === 'OnrampStateless')!.dependencies.map((d) => d.stackName)).toEqual(expect.arrayContaining(['OnrampStateful', 'OnrampSite']));
    expect([...order].sort()).toEqual(stacks.map((s) => s.stackName).sort());
    for (const stack of stacks) {
      for (const dependency of stack.dependencies) expect(order.indexOf(dependency.stackName), `${dependency.stackName} before ${stack.stackName}`).toBeLessThan(order.indexOf(stack.stackName));
    }
  });

  it('names exactly the variables the CDK app reads, and only the stateless stack uses the app origin', () => {
    expect([...new Set(guide.match(/\bONRAMP_[A-Z_]+\b/g))].sort()).toEqual([...DEPLOY_VARIABLES].sort());
    for (const [name, template] of templates) expect(template.includes(ORIGIN), name).toBe(name === 'OnrampStateless');
  });

  it('reads the site origin from an output the site stack has', () => {
    expect(guide).toContain("OutputKey=='SiteOrigin'");
    expect(Template.fromStack(stacks.find((s) => s.stackName === 'OnrampSite')!).findOutputs('SiteOrigin')).not.toEqual({});
  });

  it('lists one app secret per provider app the stateful stack creates, with the fields the functions read', () => {
    const created = Object.values(Template.fromStack(stacks[0]!).findResources('AWS::SecretsManager::Secret'))
      .map((r) => r.Properties?.Name as string | undefined)
      .filter((n) => n?.startsWith('onramp-apps/'));
    const listed = [...guide.matchAll(/^\| `(onramp-apps\/[a-z-]+)` \| (.*) \|$/gm)];
    expect(listed.map((m) => m[1]).sort()).toEqual([...created].sort());
    expect(listed.map((m) => m[1])).toEqual(OAUTH_PROVIDER_IDS.map((id) => `onramp-apps/${id}`));
    for (const [, , fields] of listed) {
      for (const field of fields!.match(/`(\w+)`/g)!) expect(['`clientId`', '`clientSecret`', '`applicationId`', '`serviceId`', '`ruName`']).toContain(field);
    }
  });

  it('quotes only cost figures the bench measured (bench/README.md) or priced (bench/prices.ts)', () => {
    const costs = guide.slice(guide.indexOf('## What it costs'));
    const figures = costs.match(/\$\d[\d.,]*\d|\b\d+\.\d+\b/g)!;
    expect(figures.length).toBeGreaterThan(3);
    for (const figure of figures) expect(measured, figure).toContain(figure);
  });
});
