/**
 * Where AWS SDK errors stop: every method of an adapter, wrapped, rethrows
 * the core's own errors as they are and turns anything else (a throttle, a
 * 500, a timeout, a refused connection) into a `DependencyError`.
 */
import { AppError, ConnectionGoneError, DependencyError, SecretExistsError, VersionConflictError } from '../domain/errors.js';

/** Wraps each method of `port` so that failures reach the core as typed errors. */
export function translated<T extends object>(dependency: string, port: T): T {
  const translate = (err: unknown): never => {
    if (err instanceof AppError || err instanceof VersionConflictError || err instanceof DependencyError || err instanceof ConnectionGoneError || err instanceof SecretExistsError) throw err;
    throw new DependencyError(dependency, err instanceof Error ? err.name : typeof err);
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(port)) {
    if (typeof value !== 'function') {
      out[key] = value;
      continue;
    }
    // Synchronous methods (names, ARNs) stay synchronous.
    out[key] = (...args: unknown[]) => {
      try {
        const result = (value as (...a: unknown[]) => unknown).apply(out, args);
        return result instanceof Promise ? result.catch(translate) : result;
      } catch (err) {
        return translate(err);
      }
    };
  }
  return out as T;
}
