/** The wizard's conditional writes on the account item. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Account } from '../model.js';
import { toAccount, dynamoAccountStore } from './accounts.js';
import type { WaitingStep } from '../wizard.js';

export interface WizardTaskStore {
  /** Records the token if the execution is still current; the account after, or undefined. */
  recordToken(input: { sellerId: string; accountId: string; executionArn: string; step: WaitingStep; taskToken: string }): Promise<Account | undefined>;
  /** Ends the current execution at `step` as paused; false when it was no longer current. */
  endExecution(
    input: { sellerId: string; accountId: string; executionArn: string; step: WaitingStep },
    at: string,
    failure: string | null,
  ): Promise<boolean>;
}

const key = (sellerId: string, accountId: string) => ({ pk: `SELLER#${sellerId}`, sk: `ACCOUNT#${accountId}` });

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
              'SET #status = :paused, updatedAt = :at, lastFailure = :failure, version = version + :one REMOVE taskToken, tokenStep, executionArn',
            ConditionExpression: 'executionArn = :exec AND #step = :step AND #status = :active',
            ExpressionAttributeNames: { '#status': 'status', '#step': 'step' },
            ExpressionAttributeValues: {
              ':paused': 'paused',
              ':active': 'active',
              ':at': at,
              ':failure': failure,
              ':one': 1,
              ':exec': input.executionArn,
              ':step': input.step,
            },
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
