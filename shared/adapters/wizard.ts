/** The wizard's conditional writes on the account item. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { allPages, toAccount, toWizardRecord, dynamoAccountStore } from './accounts.js';
import { VersionConflictError } from '../errors.js';
import type { WizardStore, WizardTaskStore } from '../ports.js';
export type { Change, WizardStore, WizardTaskStore } from '../ports.js';





const key = (sellerId: string, accountId: string) => ({ pk: `SELLER#${sellerId}`, sk: `ACCOUNT#${accountId}` });

export function dynamoWizardStore(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): WizardStore {
  const accounts = dynamoAccountStore(db, tableName);
  return {
    ...accounts,
    async load(sellerId, accountId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key(sellerId, accountId), ConsistentRead: true }));
      return Item ? toWizardRecord(Item) : undefined;
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
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(rec.sellerId, rec.id),
            UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
            ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_OLD',
          }),
        );
        return toWizardRecord(Attributes ?? {});
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) throw new VersionConflictError(`account ${rec.id} is not at version ${expectedVersion}`);
        throw err;
      }
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
  const accounts = dynamoAccountStore(db, tableName);
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
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(input.sellerId, input.accountId),
            UpdateExpression:
              'SET #status = :paused, updatedAt = :at, lastFailure = :failure, version = version + :one REMOVE taskToken, tokenStep',
            ConditionExpression: 'executionArn = :exec AND #status = :active',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':paused': 'paused', ':active': 'active', ':at': at, ':failure': failure, ':one': 1, ':exec': input.executionArn },
          }),
        );
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
      await accounts.addEvent(input.sellerId, {
        accountId: input.accountId,
        type: 'paused',
        at,
        actor: 'system',
        detail: failure ? 'Setup stopped after an error; it can be resumed.' : 'Setup paused after waiting too long.',
      });
      return true;
    },
  };
}
