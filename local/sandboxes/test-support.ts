/**
 * What the sandboxes' own tests share: a sandbox server playing one provider
 * for Onramp's apps, and reading an answer that may or may not be JSON.
 */
import { sandboxRegistrations } from './registrations.js';
import { startSandboxServer, type SandboxServer, type SandboxServerOptions } from './server.js';
import type { SandboxFactory } from './types.js';

export type Json = Record<string, unknown>;

/** The app origin the tests register Onramp's apps for (nothing listens there: redirects to it are read, never followed). */
export const TEST_APP_ORIGIN = 'http://127.0.0.1:1';

/** Starts a sandbox server with just `factory`, Onramp's apps registered for `TEST_APP_ORIGIN`. */
export function startSandbox(factory: SandboxFactory, options: Omit<SandboxServerOptions, 'registrations' | 'factories'> = {}): Promise<SandboxServer> {
  return startSandboxServer({ registrations: () => sandboxRegistrations(TEST_APP_ORIGIN), factories: [factory], ...options });
}

/** The answer's status and body: its JSON, or `{ text }` when the body is not JSON. */
export async function readJsonOrText(res: Response): Promise<{ status: number; body: Json }> {
  const text = await res.text();
  let body: Json = {};
  try {
    body = JSON.parse(text) as Json;
  } catch {
    body = { text };
  }
  return { status: res.status, body };
}

/** The answer's status, text and JSON body (`{}` when the body is XML or empty). */
export async function readJsonOrXml(res: Response): Promise<{ status: number; body: Json; text: string }> {
  const text = await res.text();
  let body: Json = {};
  try {
    body = JSON.parse(text) as Json;
  } catch {
    /* XML or empty */
  }
  return { status: res.status, body, text };
}
