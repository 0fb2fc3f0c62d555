/** One place renders errors: typed errors as JSON, dependency failures as a 503, anything else as a 500 with a correlation id. */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from '#shared/runtime/zod.js';
import { AppError, ConflictError, DependencyError, TooManyRequestsError } from '#shared/domain/errors.js';
import { logger } from '#shared/runtime/logger.js';
import { routeFor } from '#shared/http/routes.js';
import { json, redirect, type Result } from './respond.js';

export const correlationIdOf = (event: APIGatewayProxyEventV2) => event.requestContext?.requestId ?? 'unknown';

/** Turns zod issues into `{ field: reason }`, one reason per field, in the seller's words. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  // No prototype: a key named "__proto__" or "constructor" is a field like any other.
  const fields = Object.create(null) as Record<string, string>;
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) fields[k] ??= `"${k}" is not a field we accept. Remove it and try again.`;
      continue;
    }
    const name = issue.path.length > 0 ? issue.path.join('.') : 'body';
    fields[name] ??= issue.message;
  }
  return fields;
}

export function errorRenderer(): MiddlewareObj<APIGatewayProxyEventV2, Result> {
  return {
    onError: async (request) => {
      const err = request.error;
      const correlationId = correlationIdOf(request.event);
      if (err instanceof AppError) {
        if (err.status >= 500) logger.error('request failed', { correlationId, code: err.code });
        request.response = json(err.status, {
          error: {
            code: err.code,
            message: err.message,
            ...(err.fields ? { fields: err.fields } : {}),
            ...(err instanceof ConflictError && err.current !== undefined ? { current: err.current } : {}),
          },
        });
        if (err instanceof TooManyRequestsError) request.response.headers = { ...request.response.headers, 'retry-after': String(err.retryAfterSeconds) };
        return;
      }
      if (routeFor(request.event.routeKey)?.auth === 'oauth-callback' && (err instanceof DependencyError || (err instanceof AppError && err.status === 503))) {
        // A provider's redirect back is a browser navigation: answer with the web app and the reason, never JSON.
        logger.warn('callback failed', { correlationId, errorName: err.name });
        request.response = redirect('/?connect_error=try_again');
        return;
      }
      if (err instanceof DependencyError) {
        // Nothing was half-written (writes are conditional), so the seller can retry.
        logger.warn('dependency failed', { correlationId, dependency: err.dependency, errorName: err.causeName });
        request.response = json(503, {
          error: { code: 'try_again', message: 'We could not finish that just now. Nothing was lost; please try again in a moment.', correlationId },
        });
        return;
      }
      logger.error('unexpected error', {
        correlationId,
        errorName: err instanceof Error ? err.name : typeof err,
        errorMessage: err instanceof Error ? err.message : undefined,
        stack: err instanceof Error ? err.stack : undefined,
      });
      request.response = json(500, {
        error: {
          code: 'internal_error',
          message: 'Something went wrong on our side. Please try again; if it keeps happening, contact support with this reference.',
          correlationId,
        },
      });
    },
  };
}
