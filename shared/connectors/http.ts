/** Small helpers for calling providers: JSON reading, and turning answers into connect errors. */
import { ConnectError } from '../domain/errors.js';

/** Reads a JSON answer; a non-2xx status or a body that is not JSON is the provider failing. */
export async function jsonFrom(res: Response, what: string): Promise<Record<string, any>> {
  const text = await res.text();
  if (!res.ok) throw new ConnectError('provider_error', `${what} answered ${res.status}`);
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object') return body as Record<string, any>;
  } catch {
    // fall through
  }
  throw new ConnectError('provider_error', `${what} answered with something other than JSON`);
}

/** An expiry time `seconds` from `now`, as ISO 8601, or undefined. */
export function expiresIn(now: Date, seconds: unknown): string | undefined {
  const n = typeof seconds === 'number' ? seconds : typeof seconds === 'string' && seconds ? Number(seconds) : NaN;
  return Number.isFinite(n) && n > 0 ? new Date(now.getTime() + n * 1000).toISOString() : undefined;
}

/** A string field of a provider's answer, or a provider error naming it. */
export function str(body: Record<string, any>, key: string, what: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '') throw new ConnectError('provider_error', `${what} has no ${key}`);
  return v;
}
