/**
 * The layers of shared/ (README "Layout") are held by lint rules
 * (`eslint.config.js`): an import pointing the wrong way fails `npm run lint`.
 * These cases show the rules refuse what they must and let through what the
 * layers allow.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function refused(filePath: string, specifier: string): Promise<boolean> {
  const [result] = await eslint.lintText(`import { x } from '${specifier}';\nexport const y = x;\n`, { filePath });
  return (result?.messages ?? []).some((m) => m.ruleId === 'no-restricted-imports');
}

describe('the layers of shared/', () => {
  it.each([
    ['a use case importing an adapter', 'shared/use-cases/example.ts', '../adapters/dynamo/accounts.js'],
    ['a use case importing an adapter by its alias', 'shared/use-cases/connect/example.ts', '#shared/adapters/stores/secrets.js'],
    ['a use case importing the AWS SDK', 'shared/use-cases/example.ts', '@aws-sdk/client-dynamodb'],
    ['the domain importing a use case', 'shared/domain/example.ts', '../use-cases/accounts.js'],
    ['the domain importing a port', 'shared/domain/example.ts', '../ports/index.js'],
    ['the domain importing a connector', 'shared/domain/example.ts', '../connectors/token.js'],
    ['the domain importing a provider module', 'shared/domain/example.ts', '../providers/walmart/keys.js'],
    ['a provider definition importing the engine', 'shared/providers/example/definition.ts', '../../connectors/token.js'],
    ['a provider definition importing the domain', 'shared/providers/example/definition.ts', '../../domain/errors.js'],
    ['a connector importing a use case', 'shared/connectors/example.ts', '../use-cases/credentials.js'],
    ['a provider module importing an adapter', 'shared/providers/example/check.ts', '../../adapters/http/store-http.js'],
    ['an adapter importing a use case', 'shared/adapters/dynamo/example.ts', '../../use-cases/accounts.js'],
    ['the HTTP contract importing a use case', 'shared/http/example.ts', '../use-cases/accounts.js'],
    ['the runtime importing the domain', 'shared/runtime/example.ts', '../domain/model.js'],
    ['anything importing full zod', 'shared/domain/example.ts', 'zod'],
  ])('refuses %s', async (_what, file, specifier) => {
    expect(await refused(file, specifier)).toBe(true);
  });

  it.each([
    ['a use case importing a port', 'shared/use-cases/example.ts', '../ports/index.js'],
    ['a use case importing the domain', 'shared/use-cases/example.ts', '../domain/model.js'],
    ['a use case importing a connector', 'shared/use-cases/example.ts', '../connectors/token.js'],
    ['the domain importing provider definitions', 'shared/domain/example.ts', '../providers/index.js'],
    ['the domain importing zod through the runtime', 'shared/domain/example.ts', '../runtime/zod.js'],
    ['a provider module importing the engine', 'shared/providers/example/check.ts', '../../connectors/keys.js'],
    ['an adapter importing a port', 'shared/adapters/dynamo/example.ts', '../../ports/index.js'],
    ['a test driving the local stack', 'shared/use-cases/example.test.ts', '../adapters/dynamo/accounts.js'],
  ])('allows %s', async (_what, file, specifier) => {
    expect(await refused(file, specifier)).toBe(false);
  });
});
