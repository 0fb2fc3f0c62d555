import tseslint from 'typescript-eslint';

// A pattern for each of the layers of shared/ named.
const SHARED = (...layers) => layers.map((l) => `**/${l}/**`);
const RUNTIME_BUT_ZOD = ['**/runtime/**', '!**/runtime/zod.js'];
/** A provider's modules other than its definition (its consent, keys, check, refresh and chart calls). */
const PROVIDER_MODULES = ['**/providers/*/*', '!**/providers/*/definition.js'];
const AWS = ['@aws-sdk/*', 'aws-lambda'];

/** A layer's rule: its files, what they may not import, and why (tests may drive the local stack, so they are exempt). */
function layer(message, files, forbidden) {
  return {
    files,
    ignores: ['**/*.test.ts', 'shared/runtime/zod.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [ZOD, { group: forbidden.flat(), message }] }] },
  };
}

const ZOD = { group: ['zod', 'zod/*'], message: 'Import zod from shared/runtime/zod.ts (zod/mini, with its English messages).' };

export default tseslint.config(
  { ignores: ['node_modules/', 'web/dist/', 'cdk.out/', '.onramp-data/', 'scratch/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='only']", message: 'Leave no .only behind.' },
        { selector: "CallExpression[callee.property.name='skip']", message: 'Leave no .skip behind.' },
      ],
    },
  },
  {
    // zod only through shared/runtime/zod.ts: zod/mini (full zod would be most of each function's bundle), with its English messages loaded.
    ignores: ['shared/runtime/zod.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [ZOD] }],
    },
  },
  // The layers of shared/, innermost first (README "Layout"): each may import only the layers inside it.
  layer(
    'The domain and the provider definitions are the core: they import nothing outside it (zod through shared/runtime/zod.ts).',
    ['shared/domain/**'],
    [SHARED('use-cases', 'adapters', 'ports', 'http', 'connectors'), RUNTIME_BUT_ZOD, PROVIDER_MODULES, AWS],
  ),
  layer(
    'Ports name what the use cases need; they import the domain and provider types only.',
    ['shared/ports/**'],
    [SHARED('use-cases', 'adapters', 'http', 'connectors', 'runtime'), AWS],
  ),
  layer(
    'Connectors and provider modules speak to providers through the ports: never a use case, an adapter or the HTTP contract.',
    ['shared/connectors/**', 'shared/providers/*/**'],
    [SHARED('use-cases', 'adapters', 'http'), AWS],
  ),
  layer(
    'A provider definition is data: it imports only the provider types and fields, and the modules it names, never the engine, a use case or an adapter.',
    ['shared/providers/index.ts', 'shared/providers/types.ts', 'shared/providers/fields.ts', 'shared/providers/catalog.ts', 'shared/providers/*/definition.ts'],
    [SHARED('use-cases', 'adapters', 'ports', 'http', 'connectors', 'runtime', 'domain'), PROVIDER_MODULES, AWS],
  ),
  layer(
    'Use cases reach storage and the network only through ports: never an adapter, the AWS SDK or Lambda types.',
    ['shared/use-cases/**'],
    [SHARED('adapters'), AWS],
  ),
  layer('Adapters implement ports: they never call a use case, a connector or the HTTP contract.', ['shared/adapters/**'], [SHARED('use-cases', 'http', 'connectors', 'providers')]),
  layer('The HTTP contract describes requests and answers: it calls no use case and no adapter.', ['shared/http/**'], [SHARED('use-cases', 'adapters', 'connectors'), AWS]),
  layer('The runtime (config, logging, zod, hashing) depends on nothing else in shared/.', ['shared/runtime/**'], [SHARED('use-cases', 'adapters', 'http', 'connectors', 'providers', 'domain', 'ports')]),
);
