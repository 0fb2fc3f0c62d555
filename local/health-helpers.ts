/** Test helpers for connection health: refresher instances of their own against the local stack, and connected accounts. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoClient, secretsClient } from '../shared/adapters/aws.js';
import { secretsManagerAppCredentials } from '../shared/adapters/stores/app-credentials.js';
import { dynamoConnectionRecords, dynamoLeases } from '../shared/adapters/dynamo/connection-records.js';
import { providerHttp } from '../shared/adapters/http/provider-http.js';
import { secretsManagerPort } from '../shared/adapters/stores/secrets.js';
import { storeHttp } from '../shared/adapters/http/store-http.js';
import { translated } from '../shared/adapters/translate.js';
import type { RefreshDeps } from '../shared/use-cases/health/refresh.js';
import { acceptConsent } from './sandboxes/consent.js';
import { acceptance, WALMART_FACTS, WOOCOMMERCE_FACTS } from './sandboxes/facts.js';
import { TABLE_NAME, type LocalStack } from './stack.js';
import { CONNECTORS } from '../shared/providers/connectors.js';
import { connectThroughSandbox, followCallback, newAccount, type Client } from './test-helpers.js';

export const DAY_MS = 24 * 3600_000;

/**
 * A refresher as a separate function instance would run it: its own AWS SDK
 * clients against the local stack's endpoints, its own clock (`offsetMs`
 * ahead of this one, to reach a refresh or check time without waiting for
 * it). `providersAt` sends its provider calls to another origin than the
 * sandboxes' (a server that fails or stalls, for a provider whose sandbox has
 * no such control).
 */
export function refresherInstance(
  stack: LocalStack,
  /** `sharedClients`: the process's shared AWS clients (which a bench watches), instead of the instance's own. */
  options: { offsetMs?: number; leaseMs?: number; timeoutMs?: number; providersAt?: string; sharedClients?: boolean } = {},
): RefreshDeps {
  const db = options.sharedClients ? dynamoClient() : DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  const sm = options.sharedClients ? secretsClient() : new SecretsManagerClient({});
  return {
    connections: translated('DynamoDB', dynamoConnectionRecords(db, TABLE_NAME)),
    leases: translated('DynamoDB', dynamoLeases(db, TABLE_NAME)),
    connectors: CONNECTORS,
    secrets: translated('Secrets Manager', secretsManagerPort(sm, 'onramp/')),
    apps: translated('Secrets Manager', secretsManagerAppCredentials(sm, 'onramp-apps/')),
    http: providerHttp({ timeoutMs: options.timeoutMs ?? 4_000, sandboxOrigin: options.providersAt ?? stack.sandboxes.origin }),
    // The sandbox store is plain http on loopback, which only the local stack may call.
    stores: storeHttp({ allowLocal: true, timeoutMs: options.timeoutMs ?? 4_000 }),
    now: () => new Date(Date.now() + (options.offsetMs ?? 0)),
    leaseMs: options.leaseMs ?? 2_000,
    leasePollMs: 20,
  };
}

/** Token requests that reached a provider's token endpoint so far. */
export function tokenCalls(stack: LocalStack, host: string, path: string): number {
  return stack.sandboxes.calls.filter((c) => c.host === host && c.path === path).length;
}


/** An account with its channel connected (and its books, when `books` is given), through the sandboxes' consent. */
export async function connectedAccount(c: Client, body: Record<string, unknown>, books?: 'xero' | 'quickbooks'): Promise<string> {
  const account = await newAccount(c, body);
  const how = acceptance(String(body.channel));
  const channel = await connectThroughSandbox(c, account.id, how.decision, { ...how.choices });
  if (channel.landing !== `/accounts/${account.id}/setup`) throw new Error(`channel not connected: ${channel.landing}`);
  if (books) await connectBooks(c, account.id as string, books);
  return account.id as string;
}

/** Connects the account's books through the sandbox's consent (the account at Connect Bookkeeping). */
export async function connectBooks(c: Client, accountId: string, books: 'xero' | 'quickbooks'): Promise<void> {
  const start = await c.call('POST', `/api/accounts/${accountId}/books/connect`, { provider: books });
  const page = await acceptConsent(start.body.authorizeUrl, books);
  const back = await followCallback(c, page.location!);
  if (!back.landing?.endsWith('connected=books')) throw new Error(`books not connected: ${back.landing}`);
}

/** The secret of an account's connection, by where it lives: the channel's own, or the seller's shared books secret. */
export function secretOf(stack: LocalStack, sellerId: string, accountId: string, kind: 'channel' | 'books'): string {
  const name = stack.secrets.names().find((n) => (kind === 'channel' ? n.startsWith(`onramp/${accountId}/channel-`) : n.startsWith(`onramp/books-${sellerId}/`)));
  if (!name) throw new Error(`no ${kind} secret`);
  return name;
}

export async function secretValue(stack: LocalStack, name: string): Promise<Record<string, string>> {
  const { SecretString } = (await stack.secrets.operations.GetSecretValue!({ SecretId: name })) as { SecretString: string };
  return JSON.parse(SecretString) as Record<string, string>;
}

/** Walmart's and WooCommerce's sandbox keys, as a seller pastes them. */
export const SANDBOX_KEYS = {
  walmart: { clientId: WALMART_FACTS.keys.us.clientId, clientSecret: WALMART_FACTS.keys.us.clientSecret },
  woocommerce: { consumerKey: WOOCOMMERCE_FACTS.keys.read.consumerKey, consumerSecret: WOOCOMMERCE_FACTS.keys.read.consumerSecret },
} as const;

/** An account with its keys channel connected by pasted keys (Walmart US, or the sandbox WooCommerce store). */
export async function keysAccount(stack: LocalStack, c: Client, channel: 'walmart' | 'woocommerce', keys: Record<string, string> = SANDBOX_KEYS[channel]): Promise<string> {
  const account = await newAccount(c, channel === 'walmart' ? { name: 'Walmart US', channel, region: 'US' } : { name: 'WooCommerce', channel });
  const body = channel === 'woocommerce' ? { storeUrl: `${stack.sandboxes.origin}/woocommerce`, ...keys } : keys;
  const res = await c.call('POST', `/api/accounts/${account.id}/channel/connect`, body);
  if (res.status !== 200) throw new Error(`keys not connected: ${res.status} ${JSON.stringify(res.body?.error?.code)}`);
  return account.id as string;
}
