/**
 * One-click WooCommerce key creations in flight, in DynamoDB, keyed by a hash
 * of the `user_id` sent to the store (the `user_id` itself is never stored):
 * `KEYS#<sha256(user_id)>` / `KEYS`. Each change of state is one conditional
 * write on the state it moves from (an item written before states were kept
 * is `issued`), and taking one is one conditional delete that answers the
 * item it deleted, so a `user_id` is decided at most once. `expiresAt` is
 * also the table's TTL. The posted keys are never here: only the name of the
 * secret they were staged in, and what the account will show of them.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PendingKeys, PendingKeysState, PendingKeysStore, PostedKeys } from '../../ports/index.js';

const key = (userId: string) => ({ pk: `KEYS#${createHash('sha256').update(userId).digest('base64url')}`, sk: 'KEYS' });

const conditionFailed = (err: unknown) => err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException';

/** The condition that the item exists, is unexpired and is at `from` (`state` is a reserved word). */
function at(from: PendingKeysState, nowSeconds: number) {
  return {
    ConditionExpression: `attribute_exists(pk) AND expiresAt > :now AND ${from === 'issued' ? '(attribute_not_exists(#state) OR #state = :from)' : '#state = :from'}`,
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: { ':now': nowSeconds, ':from': from } as Record<string, unknown>,
  };
}

const STATES: readonly PendingKeysState[] = ['issued', 'posted', 'confirmed', 'refused', 'taken'];

function postedOf(v: unknown): PostedKeys | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const p = v as Record<string, unknown>;
  if (typeof p.secretName !== 'string' || typeof p.label !== 'string') return undefined;
  return {
    secretName: p.secretName,
    label: p.label,
    ...(typeof p.identity === 'string' ? { identity: p.identity } : {}),
    ...(Array.isArray(p.details) ? { details: (p.details as { label: unknown; value: unknown }[]).map((d) => ({ label: String(d.label), value: String(d.value) })) } : {}),
  };
}

function pendingOf(Item: Record<string, unknown>): PendingKeys {
  const posted = postedOf(Item.posted);
  return {
    sellerId: String(Item.sellerId),
    accountId: String(Item.accountId),
    provider: String(Item.provider),
    storeUrl: String(Item.storeUrl),
    storeUrlIsNew: Item.storeUrlIsNew === true,
    ...(Item.purpose === 'reconnect' ? { purpose: 'reconnect' as const } : {}),
    ...(typeof Item.invitationId === 'string' ? { invitationId: Item.invitationId } : {}),
    expiresAt: Number(Item.expiresAt),
    state: STATES.includes(Item.state as PendingKeysState) ? (Item.state as PendingKeysState) : 'issued',
    ...(posted ? { posted } : {}),
  };
}

export function dynamoPendingKeys(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): PendingKeysStore {
  return {
    async put(userId, pending) {
      const { posted: _posted, ...rest } = pending;
      await db.send(new PutCommand({ TableName: tableName, Item: { ...key(userId), entity: 'pending-keys', ...rest, state: 'issued' }, ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async get(userId, nowSeconds) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key(userId), ConsistentRead: true }));
      if (!Item) return 'unknown';
      if (!(Number(Item.expiresAt) > nowSeconds)) return 'expired';
      return pendingOf(Item);
    },
    async move(userId, from, to, nowSeconds, posted) {
      const cond = at(from, nowSeconds);
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(userId),
            UpdateExpression: posted ? 'SET #state = :to, posted = :posted' : 'SET #state = :to',
            ...cond,
            ExpressionAttributeValues: { ...cond.ExpressionAttributeValues, ':to': to, ...(posted ? { ':posted': posted } : {}) },
          }),
        );
        return true;
      } catch (err) {
        if (conditionFailed(err)) return false;
        throw err;
      }
    },
    async take(userId, from, nowSeconds, to = 'taken') {
      try {
        // Only one taker wins; a request racing it finds nothing, or another state.
        // Kept, decided, until it expires: a late return or post then finds it taken rather than unknown.
        const cond = at(from, nowSeconds);
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(userId),
            // The posted keys' secret stays named (never a key): a later return can tell whether the account took it.
            UpdateExpression: 'SET #state = :to',
            ...cond,
            ExpressionAttributeValues: { ...cond.ExpressionAttributeValues, ':to': to },
            ReturnValues: 'ALL_OLD',
          }),
        );
        return Attributes ? pendingOf(Attributes) : undefined;
      } catch (err) {
        if (conditionFailed(err)) return undefined;
        throw err;
      }
    },
  };
}
