/**
 * Accounts and their audit trail in DynamoDB. An account is read by its
 * seller's key, so reading it is the ownership check: another seller's
 * account is simply not there.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { allPages } from './pages.js';
import type { Account, AccountEvent, Connection, WizardRecord } from '../../domain/model.js';
import type { AccountStore } from '../../ports/index.js';
export type { AccountStore } from '../../ports/index.js';


export const accountKey = (sellerId: string, accountId: string) => ({ pk: `SELLER#${sellerId}`, sk: `ACCOUNT#${accountId}` });

/** An audit event's item: beside the seller's accounts, and indexed by account so that support finds the trail by account id alone. */
export function eventItem(sellerId: string, event: AccountEvent): Record<string, unknown> {
  const sk = `EVENT#${event.accountId}#${event.at}#${randomBytes(4).toString('hex')}`;
  return { pk: `SELLER#${sellerId}`, sk, gsi1pk: `ACCOUNT#${event.accountId}`, gsi1sk: sk, entity: 'event', sellerId, ...event };
}

/** The seller's account items (accounts only, not their events), consistently read. */
export async function accountItems(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string, sellerId: string): Promise<Record<string, unknown>[]> {
  return allPages((start) =>
    db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `SELLER#${sellerId}`, ':prefix': 'ACCOUNT#' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    ),
  );
}

/**
 * The names items written before store fields were grouped kept them under,
 * at the top level: the only store fields there were then. Every later item
 * keeps its fields, whatever their names, under `fields`; so this list never
 * grows, and reading an account needs no provider's definition.
 */
export const LEGACY_FIELD_KEYS = ['shopDomain', 'storeUrl'] as const;

/** The store fields of an item, whatever their names (each provider's definition names its own). */
function accountFields(item: Record<string, unknown>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const key of LEGACY_FIELD_KEYS) if (typeof item[key] === 'string' && item[key]) fields[key] = item[key];
  const stored = item.fields && typeof item.fields === 'object' ? (item.fields as Record<string, unknown>) : {};
  for (const [key, v] of Object.entries(stored)) if (typeof v === 'string' && v) fields[key] = v;
  return fields;
}

export function toAccount(item: Record<string, unknown>): Account {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    id: String(item.id),
    sellerId: String(item.sellerId),
    name: String(item.name),
    channel: item.channel as Account['channel'],
    region: str(item.region),
    fields: accountFields(item),
    step: item.step as Account['step'],
    status: item.status as Account['status'],
    version: Number(item.version),
    executionArn: str(item.executionArn),
    connections: Array.isArray(item.connections) ? (item.connections as Connection[]) : [],
    startedOverAt: typeof item.startedOverAt === 'string' ? item.startedOverAt : null,
    pendingBooks: item.pendingBooks && typeof item.pendingBooks === 'object' ? (item.pendingBooks as Account['pendingBooks']) : null,
    mapping: item.result_accounts_and_taxes && typeof item.result_accounts_and_taxes === 'object' && 'accounts' in (item.result_accounts_and_taxes as object)
      ? (item.result_accounts_and_taxes as Account['mapping'])
      : null,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

export function toWizardRecord(item: Record<string, unknown>): WizardRecord {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    ...toAccount(item),
    execSeq: typeof item.execSeq === 'number' ? item.execSeq : 0,
    taskToken: str(item.taskToken),
    tokenStep: str(item.tokenStep) as WizardRecord['tokenStep'],
    lastFailure: str(item.lastFailure),
  };
}

export function dynamoAccountStore(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): AccountStore {
  return {
    async create(account, event) {
      const put = {
        TableName: tableName,
        Item: {
          ...accountKey(account.sellerId, account.id),
          gsi1pk: `ACCOUNT#${account.id}`,
          gsi1sk: 'ACCOUNT',
          entity: 'account',
          ...account,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      };
      if (!event) {
        await db.send(new PutCommand(put));
        return;
      }
      // The account and the event that records it, both or neither.
      await db.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, { Put: { TableName: tableName, Item: eventItem(account.sellerId, event) } }] }));
    },
    async get(sellerId, accountId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: accountKey(sellerId, accountId), ConsistentRead: true }),
      );
      return Item ? toAccount(Item) : undefined;
    },
    async list(sellerId) {
      const items = await accountItems(db, tableName, sellerId);
      return items.map(toAccount).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
    async addEvent(sellerId, event) {
      await db.send(new PutCommand({ TableName: tableName, Item: eventItem(sellerId, event) }));
    },
    async listEvents(sellerId, accountId) {
      const { Items } = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `SELLER#${sellerId}`, ':prefix': `EVENT#${accountId}#` },
          ScanIndexForward: false,
          Limit: 100,
        }),
      );
      return (Items ?? []).map((i) => ({
        accountId: String(i.accountId),
        type: i.type as AccountEvent['type'],
        at: String(i.at),
        actor: String(i.actor),
        detail: typeof i.detail === 'string' ? i.detail : null,
        ...(typeof i.caller === 'string' ? { caller: i.caller } : {}),
      }));
    },
  };
}

