/**
 * The one logger: structured JSON, one line per entry, constant messages with
 * a data object. Never log a secret, token, password or cookie, not even in part.
 *
 * Each line carries the level, the message, the time, the service, the
 * invocation's Lambda context (request id, cold start, function name, memory,
 * ARN; `addContext`) and whatever keys the invocation appended. These are the
 * field names AWS Lambda Powertools' Logger writes, so CloudWatch Logs
 * Insights queries written for it keep working; Onramp writes them itself
 * because that Logger was ~20 KB of every function bundle and time at each
 * cold start for the few things used here.
 */
import type { Context } from 'aws-lambda';
import { envSchema, logLevel, parseEnv, type LogLevel } from './config.js';

export { LOG_LEVELS, logLevel, type LogLevel } from './config.js';

type Data = Readonly<Record<string, unknown>>;

const RANK: Record<LogLevel, number> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3, SILENT: 4 };

/** An error as a log line may hold it: its name, message and stack, never its other properties (a request, a response, headers). */
const errorFields = (err: Error) => ({ name: err.name, message: err.message, stack: err.stack });
const replacer = (_key: string, value: unknown) => (value instanceof Error ? errorFields(value) : typeof value === 'bigint' ? value.toString() : value);

export class Logger {
  #level: LogLevel;
  #keys: Record<string, unknown> = {};
  #context: Record<string, unknown> = {};
  #coldStart = true;

  constructor(private readonly options: { readonly serviceName: string; readonly logLevel: LogLevel; readonly write?: (line: string) => void }) {
    this.#level = options.logLevel;
  }

  setLogLevel(level: LogLevel): void {
    this.#level = level;
  }

  getLevelName(): LogLevel {
    return this.#level;
  }

  /** Keys added to every line until `resetKeys` (one invocation's: correlation id, route, account). */
  appendKeys(keys: Data): void {
    Object.assign(this.#keys, keys);
  }

  /** Forgets the appended keys: nothing of one seller's request reaches the next. */
  resetKeys(): void {
    this.#keys = {};
  }

  /** The invocation's Lambda context, replacing the previous one; the first invocation of the process is the cold start. */
  addContext(context: Context): void {
    this.#context = {
      cold_start: this.#coldStart,
      function_arn: context.invokedFunctionArn,
      function_memory_size: Number(context.memoryLimitInMB),
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
      ...(process.env._X_AMZN_TRACE_ID ? { xray_trace_id: process.env._X_AMZN_TRACE_ID.split(';')[0]?.replace('Root=', '') } : {}),
    };
    this.#coldStart = false;
  }

  debug(message: string, data?: Data): void {
    this.#write('DEBUG', message, data);
  }

  info(message: string, data?: Data): void {
    this.#write('INFO', message, data);
  }

  warn(message: string, data?: Data): void {
    this.#write('WARN', message, data);
  }

  error(message: string, data?: Data): void {
    this.#write('ERROR', message, data);
  }

  #write(level: Exclude<LogLevel, 'SILENT'>, message: string, data: Data | undefined): void {
    if (RANK[level] < RANK[this.#level]) return;
    const entry = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.options.serviceName,
      ...this.#context,
      ...this.#keys,
      ...data,
    };
    const line = `${JSON.stringify(entry, replacer)}\n`;
    if (this.options.write) this.options.write(line);
    else process.stdout.write(line);
  }
}

export const logger = new Logger({ serviceName: 'onramp', logLevel: parseEnv(envSchema({ LOG_LEVEL: logLevel('INFO') })).LOG_LEVEL });
