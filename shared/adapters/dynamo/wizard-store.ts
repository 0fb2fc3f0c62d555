/**
 * The wizard's conditional writes on the account item. A change with audit
 * events (or a consent's connection records) is one transaction: the events
 * are written exactly when the change is.
 */
import { ConditionalCheckFailedException, TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand, ScanCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { allPages } from './pages.js';
import { accountItems, accountKey as key, eventItem, toAccount, toWizardRecord, dynamoAccountStore } from './accounts.js';
import { recordChangeItem } from './connection-records.js';
import { ConnectionGoneError, VersionConflictError } from '../../domain/errors.js';
import type { WizardRecord } from '../../domain/model.js';
import type { Change, WizardStore, WizardTaskStore } from '../../ports/index.js';
export type { Change, WizardStore, WizardTaskStore } from '../../ports/index.js';

/** An item as DynamoDB's wire format has it (a transaction's refusal carries one), as plain values. */
export function fromAttributeValues(item: Record<string, AttributeValue>): Record<string, unknown> {
  const value = (v: AttributeValue): unknown => {
    if (v.S !== undefined) return v.S;
    if (v.N !== undefined) return Number(v.N);
    if (v.BOOL !== undefined) return v.BOOL;
    if (v.NULL !== undefined) return null;
    if (v.M !== undefined) return fromAttributeValues(v.M);
    if (v.L !== undefined) return v.L.map(value);
    if (v.SS !== undefined) return new Set(v.SS);
    if (v.NS !== undefined) return new Set(v.NS.map(Number));
    return undefined;
  };
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, value(v)]));
}

const isCancelled = (err: unknown): err is TransactionCanceledException =>
  err instanceof TransactionCanceledException || (err as Error)?.name === 'TransactionCanceledException';

/** The account update a change makes: each field set or removed, the version one on, conditional on `expectedVersion`. */
function accountUpdate(change: Change, expectedVersion: number, at: string) {
  const names: Record<string, string> = { '#version': 'version', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':expected': expectedVersion, ':one': 1, ':at': at };
  const sets = ['#version = #version + :one', '#updatedAt = :at'];
  let i = 0;
  for (const [field, value] of Object.entries(change.set ?? {})) {
    i++;
    names[`#f${i}`] = field;
    values[`:v${i}`] = value;
    sets.push(`#f${i} = :v${i}`);
  }
  const removes = (change.remove ?? []).map((field) => {
    i++;
    names[`#f${i}`] = field;
    return `#f${i}`;
  });
  return {
    UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** A condition that the item still holds `rec`'s task token and its step (absent or null when it has none). */
function sameTaskToken(rec: Pick<WizardRecord, 'taskToken' | 'tokenStep'>) {
  const names: Record<string, string> = { '#taskToken': 'taskToken', '#tokenStep': 'tokenStep' };
  const values: Record<string, unknown> = {};
  const clause = (name: '#taskToken' | '#tokenStep', value: string | null) => {
    if (value === null) {
      values[':nullType'] = 'NULL';
      return `(attribute_not_exists(${name}) OR attribute_type(${name}, :nullType))`;
    }
    values[`:pin${name.slice(1)}`] = value;
    return `${name} = :pin${name.slice(1)}`;
  };
  return { condition: `${clause('#taskToken', rec.taskToken)} AND ${clause('#tokenStep', rec.tokenStep)}`, names, values };
}

export function dynamoWizardStore(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): WizardStore {
  const accounts = dynamoAccountStore(db, tableName);
  return {
    ...accounts,
    async load(sellerId, accountId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key(sellerId, accountId), ConsistentRead: true }));
      return Item ? toWizardRecord(Item) : undefined;
    },
    async loadWithOthers(sellerId, accountId) {
      const items = await accountItems(db, tableName, sellerId);
      const own = items.find((i) => i.sk === `ACCOUNT#${accountId}`);
      return {
        account: own ? toWizardRecord(own) : undefined,
        others: items.filter((i) => i !== own).map(toAccount).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
      };
    },
    async findById(accountId) {
      const { Items } = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :sk',
          ExpressionAttributeValues: { ':pk': `ACCOUNT#${accountId}`, ':sk': 'ACCOUNT' },
        }),
      );
      const found = Items?.[0];
      if (!found) return undefined;
      // The index is eventually consistent: read the item itself.
      return this.load(String(found.sellerId), accountId);
    },
    async ownerOf(accountId) {
      const { Items } = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `ACCOUNT#${accountId}` },
          Limit: 1,
        }),
      );
      const sellerId = Items?.[0]?.sellerId;
      return typeof sellerId === 'string' ? sellerId : undefined;
    },
    async scanAccounts() {
      const items = await allPages((start) =>
        db.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: 'entity = :account',
            ExpressionAttributeValues: { ':account': 'account' },
            ExclusiveStartKey: start,
          }),
        ),
      );
      return items.map(toWizardRecord);
    },
    async apply(rec, expectedVersion, change, at) {
      const update = accountUpdate(change, expectedVersion, at);
      if (!change.events?.length && !change.records?.length) {
        try {
          const { Attributes } = await db.send(new UpdateCommand({ TableName: tableName, Key: key(rec.sellerId, rec.id), ...update, ReturnValues: 'ALL_OLD' }));
          return toWizardRecord(Attributes ?? {});
        } catch (err) {
          if (err instanceof ConditionalCheckFailedException) throw new VersionConflictError(`account ${rec.id} is not at version ${expectedVersion}`);
          throw err;
        }
      }
      const others = [
        ...(change.events ?? []).map((e) => ({ Put: { TableName: tableName, Item: eventItem(rec.sellerId, e) } })),
        ...(change.records ?? []).map((r) => recordChangeItem(tableName, r, at)),
      ];
      const firstRecord = 1 + (change.events?.length ?? 0);
      // A transaction returns no old item: it is `rec` itself, made sure of by a condition on its task
      // token (the task function records one without a new version). When a token came meanwhile, the
      // refusal carries the item as it is now, and the write is tried again with it.
      let before: WizardRecord | undefined = rec.version === expectedVersion ? rec : undefined;
      if (!before) {
        const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key(rec.sellerId, rec.id), ConsistentRead: true }));
        before = Item ? toWizardRecord(Item) : undefined;
      }
      for (let round = 0; round < 3; round++) {
        if (!before || before.version !== expectedVersion) throw new VersionConflictError(`account ${rec.id} is not at version ${expectedVersion}`);
        const token = sameTaskToken(before);
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: tableName,
                    Key: key(rec.sellerId, rec.id),
                    UpdateExpression: update.UpdateExpression,
                    ConditionExpression: `${update.ConditionExpression} AND ${token.condition}`,
                    ExpressionAttributeNames: { ...update.ExpressionAttributeNames, ...token.names },
                    ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...token.values },
                    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                  },
                },
                ...others,
              ],
            }),
          );
          return before;
        } catch (err) {
          const reasons = isCancelled(err) ? (err.CancellationReasons ?? []) : [];
          // A connection the change holds or lets go of is gone (deleted meanwhile): nothing was written.
          if (reasons.slice(firstRecord).some((r) => r?.Code === 'ConditionalCheckFailed')) throw new ConnectionGoneError('a connection record changed');
          const reason = reasons[0];
          if (reason?.Code !== 'ConditionalCheckFailed') throw err;
          before = reason.Item ? toWizardRecord(fromAttributeValues(reason.Item)) : undefined;
        }
      }
      throw new Error(`account ${rec.id}: the task token kept changing while the change was written`);
    },
    async remove(rec, expectedVersion) {
      try {
        await db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(rec.sellerId, rec.id),
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) throw new VersionConflictError(`account ${rec.id} is not at version ${expectedVersion}`);
        throw err;
      }
    },
  };
}

export function dynamoWizardTaskStore(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): WizardTaskStore {
  return {
    async recordToken(input) {
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(input.sellerId, input.accountId),
            UpdateExpression: 'SET taskToken = :token, tokenStep = :step',
            ConditionExpression: 'executionArn = :exec',
            ExpressionAttributeValues: { ':token': input.taskToken, ':step': input.step, ':exec': input.executionArn },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes ? toAccount(Attributes) : undefined;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return undefined;
        throw err;
      }
    },
    async endExecution(input, at, failure) {
      // The pause and the event that records it, both or neither.
      const event = eventItem(input.sellerId, {
        accountId: input.accountId,
        type: 'paused',
        at,
        actor: 'system',
        detail: failure ? 'Setup stopped after an error; it can be resumed.' : 'Setup paused after waiting too long.',
      });
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: key(input.sellerId, input.accountId),
                  UpdateExpression:
                    'SET #status = :paused, updatedAt = :at, lastFailure = :failure, version = version + :one REMOVE taskToken, tokenStep',
                  ConditionExpression: 'executionArn = :exec AND #status = :active',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':paused': 'paused', ':active': 'active', ':at': at, ':failure': failure, ':one': 1, ':exec': input.executionArn },
                },
              },
              { Put: { TableName: tableName, Item: event } },
            ],
          }),
        );
      } catch (err) {
        if (isCancelled(err) && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
        throw err;
      }
      return true;
    },
  };
}
