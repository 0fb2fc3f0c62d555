import tseslint from 'typescript-eslint';

const ZOD = { group: ['zod', 'zod/*'], message: 'Import zod from shared/zod.ts (zod/mini, with its English messages).' };

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
    // zod only through shared/zod.ts: zod/mini (full zod would be most of each function's bundle), with its English messages loaded.
    ignores: ['shared/zod.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [ZOD] }],
    },
  },
  {
    // The core imports neither the AWS SDK nor Lambda types (its tests may, to drive the local stack).
    files: ['shared/use-cases/**', 'shared/wizard.ts', 'shared/catalog.ts', 'shared/schemas.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@aws-sdk/*', 'aws-lambda'] }, ZOD] }],
    },
  },
);
