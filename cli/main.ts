#!/usr/bin/env node
/** onramp-support: see `onramp-support --help`. */
import { run } from './support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  interactive: Boolean(process.stdin.isTTY),
  env: process.env,
  cwd: process.cwd(),
});
