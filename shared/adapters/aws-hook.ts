/**
 * What the shared AWS clients have in common: the hook a bench or test sets
 * to watch each client as it is made, and forgetting them all. Each client
 * lives in a module of its own (`aws.ts`, `aws-secrets.ts`), so a function
 * bundles only the clients it calls.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SFNClient } from '@aws-sdk/client-sfn';

export type SharedClient = DynamoDBDocumentClient | SFNClient | SecretsManagerClient;

let watch: ((client: SharedClient) => void) | undefined;
const forgets = new Set<() => void>();

/** A client just made: handed to the hook, and forgotten by `resetClients`. */
export function made<C extends SharedClient>(client: C, forget: () => void): C {
  forgets.add(forget);
  watch?.(client);
  return client;
}

/**
 * Hands each shared client, as it is made, to `hook` (a bench or test adding a
 * middleware: counting calls, injecting faults); never set in the functions.
 */
export function onSharedClient(hook: ((client: SharedClient) => void) | undefined): void {
  watch = hook;
  resetClients();
}

/** Forgets the clients, so the next use reads the environment again (the local stack restarting in one process). */
export function resetClients(): void {
  for (const forget of forgets) forget();
  forgets.clear();
}
