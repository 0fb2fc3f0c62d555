/** `npm start`: the whole of Onramp on this machine, no AWS account needed. */
import path from 'node:path';
import { parseEnv } from '../shared/runtime/config.js';
import { logLevel } from '../shared/runtime/logger.js';
import * as z from '../shared/runtime/zod.js';
import { ROOT, startLocalStack } from './stack.js';

/** What `npm start` reads from the environment, parsed once; a bad value stops it with its name. */
const startEnv = z.object({
  PORT: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(65535)), 3000),
  ONRAMP_DATA_DIR: z._default(z.string().check(z.minLength(1)), path.join(ROOT, '.onramp-data')),
  LOG_LEVEL: z._default(logLevel, 'WARN'),
  SANDBOX_PORT: z.optional(z.coerce.number().check(z.int(), z.gte(0), z.lte(65535))),
  /** How often the connection refresher runs; 0 turns it off. */
  REFRESH_EVERY_MINUTES: z._default(z.coerce.number().check(z.gte(0)), 15),
});

let env: z.infer<typeof startEnv>;
try {
  env = parseEnv(startEnv);
} catch (err) {
  console.error(`Onramp could not start. ${(err as Error).message}`);
  process.exit(1);
}

try {
  // The sandboxes sit beside the app: 3000 -> 3100 (a port of 0 picks free ones for both).
  const sandboxPort = env.SANDBOX_PORT ?? (env.PORT === 0 ? 0 : env.PORT + 100);
  const stack = await startLocalStack({ port: env.PORT, sandboxPort, dataDir: env.ONRAMP_DATA_DIR, logLevel: env.LOG_LEVEL, refreshEveryMs: env.REFRESH_EVERY_MINUTES * 60_000 });
  console.log(`Onramp is running at ${stack.url}`);
  console.log(`Provider sandboxes: ${stack.sandboxes.origin}`);
  console.log(`Data is kept in ${path.relative(process.cwd(), env.ONRAMP_DATA_DIR) || '.'}; press Ctrl-C to stop.`);
  console.log('Support tool against this stack: npm run support -- --help');
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping Onramp...');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') console.error(`Port ${env.PORT} (or the sandboxes' port) is in use. Start with another port, for example: PORT=3001 npm start`);
  else console.error('Onramp could not start:', e.message);
  process.exit(1);
}
