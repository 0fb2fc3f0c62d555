/**
 * The session store of a function that serves a seller's accounts: the
 * session read with one account (and the connection records named), or with
 * all the seller's accounts, in one consistent request. Apart from the
 * session store so that a function without such routes (auth) does not
 * bundle the account's and the records' item mapping.
 */
import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConnectionRecord } from '../../domain/health.js';
import type { SessionStoreWithAccounts } from '../../ports/index.js';
import { sellerOfToken } from '../../runtime/session-token.js';
import { accountKey, toAccount, toWizardRecord } from './accounts.js';
import { recordKey, toRecord } from './connection-records.js';
import { allPages } from './pages.js';
import { dynamoSessionStore, idOf, keyOfToken, toSession } from './sessions.js';

export function dynamoSessionStoreWithAccounts(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): SessionStoreWithAccounts {
  const store = dynamoSessionStore(db, tableName);
  return {
    ...store,
    async findWithAccount(token, accountId, records = []) {
      const seller = sellerOfToken(token);
      const sessionKey = keyOfToken(token);
      if (!seller || !sessionKey) return { session: undefined };
      const wanted = accountKey(seller, accountId);
      const names = [...new Set(records)];
      const items: Record<string, unknown>[] = [];
      let keys: Record<string, unknown>[] | undefined = [sessionKey, wanted, ...names.map(recordKey)];
      // Unprocessed keys (throttling) are asked again; consistent, so a session ended a moment ago is not found.
      for (let round = 0; keys && keys.length > 0; round++) {
        if (round === 5) throw new Error('DynamoDB left keys unprocessed');
        const res = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
        items.push(...(res.Responses?.[tableName] ?? []));
        keys = res.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
      const stored = items.find((i) => i.pk === sessionKey.pk && i.sk === sessionKey.sk);
      const session = stored ? toSession(stored) : undefined;
      // The account only for the seller the session is; a token naming another seller would have found no session.
      if (!session || session.userId !== seller) return { session };
      const account = items.find((i) => i.pk === wanted.pk && i.sk === wanted.sk);
      const found = new Map<string, ConnectionRecord | null>(names.map((n) => [n, null]));
      for (const n of names) {
        const item = items.find((i) => i.pk === recordKey(n).pk && i.sk === recordKey(n).sk);
        if (item) found.set(n, toRecord(item));
      }
      return { session, account: account ? toWizardRecord(account) : null, records: found };
    },
    async findWithAccounts(token) {
      const seller = sellerOfToken(token);
      const sessionKey = keyOfToken(token);
      if (!seller || !sessionKey) return { session: undefined };
      // From the seller's first account to this session's own key: the seller's accounts, then the seller's sessions
      // up to this one, of which only this one is returned. Consistent, so a session ended a moment ago is not found.
      const items = await allPages((start) =>
        db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :accounts AND :mine',
            FilterExpression: 'entity = :account OR sessionId = :id',
            ExpressionAttributeValues: { ':pk': sessionKey.pk, ':accounts': 'ACCOUNT#', ':mine': sessionKey.sk, ':account': 'account', ':id': idOf(token) },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      const stored = items.find((i) => i.sk === sessionKey.sk);
      const session = stored ? toSession(stored) : undefined;
      if (!session || session.userId !== seller) return { session };
      const accounts = items.filter((i) => i.entity === 'account').map(toAccount).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      return { session, accounts };
    },
  };
}
