/** `npm start`: the whole of Onramp on this machine, no AWS account needed. */
import path from 'node:path';
import { ROOT, startLocalStack } from './stack.js';

const port = process.env.PORT === undefined ? 3000 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got "${process.env.PORT}".`);
  process.exit(1);
}
const dataDir = process.env.ONRAMP_DATA_DIR ?? path.join(ROOT, '.onramp-data');

try {
  const stack = await startLocalStack({ port, dataDir, logLevel: process.env.LOG_LEVEL ?? 'WARN' });
  console.log(`Onramp is running at ${stack.url}`);
  console.log(`Data is kept in ${path.relative(process.cwd(), dataDir) || '.'}; press Ctrl-C to stop.`);
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
  if (e.code === 'EADDRINUSE') console.error(`Port ${port} is in use. Start with another port, for example: PORT=3001 npm start`);
  else console.error('Onramp could not start:', e.message);
  process.exit(1);
}
