/**
 * The one logger: structured JSON, constant messages with a data object.
 * Never log a secret, token, password or cookie, not even in part.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import * as z from './zod.js';
import { parseEnv } from './config.js';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A log level, in any case. */
export const logLevel = z.pipe(z.pipe(z.string(), z.transform((v) => v.toUpperCase())), z.enum(LOG_LEVELS));

/** `LOG_LEVEL`, parsed at cold start: INFO when unset, a named error when it is not a level. */
const logLevelEnv = z.object({ LOG_LEVEL: z._default(logLevel, 'INFO') });

export const logger = new Logger({ serviceName: 'onramp', logLevel: parseEnv(logLevelEnv).LOG_LEVEL });
