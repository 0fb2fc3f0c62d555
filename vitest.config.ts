import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,functions,local,infra,cli,web,e2e,bench}/**/*.test.{ts,tsx}'],
    // The local stack, CDK synthesis and Chromium are slow on two shared cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      LOG_LEVEL: 'SILENT',
      // scrypt at 2^14 instead of 2^17 in the functions the tests host: every test signs sellers up (shared/runtime/password.test.ts checks the real cost).
      PASSWORD_SCRYPT_LOG_N: '14',
    },
  },
});
