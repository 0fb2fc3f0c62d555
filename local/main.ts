/** `npm start`: the whole of Onramp on this machine, no AWS account needed. */
import path from 'node:path';
import { envSchema, logLevel, parseEnv, text, whole, type EnvOf } from '../shared/runtime/config.js';
import { ROOT } from './root.js';

/** What `npm start` reads from the environment, parsed once; a bad value stops it with its name. */
const startVariables = {
  PORT: whole(0, 65535, { default: 3000 }),
  ONRAMP_DATA_DIR: text({ default: path.join(ROOT, '.onramp-data') }),
  LOG_LEVEL: logLevel('WARN'),
  SANDBOX_PORT: whole(0, 65535, { optional: true }),
  /** How often the connection refresher runs; 0 turns it off. */
  REFRESH_EVERY_MINUTES: whole(0, 7 * 24 * 60, { default: 15 }),
};

let env: EnvOf<typeof startVariables>;
try {
  env = parseEnv(envSchema(startVariables));
} catch (err) {
  console.error(`Onramp could not start. ${(err as Error).message}`);
  process.exit(1);
}

// The stack is loaded once the environment is known to be good: its modules read LOG_LEVEL as they load.
const { startLocalStack } = await import('./stack.js');
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
