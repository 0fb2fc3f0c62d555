/**
 * The session store of a function that serves one seller's account: the
 * session read with that account (and the connection records named), in one
 * consistent round trip, when the token names its seller. Apart from the
 * session store so that a function without such routes (auth) does not
 * bundle the account's and the records' item mapping.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConnectionRecord } from '../../domain/health.js';
import type { SessionStoreWithAccounts } from '../../ports/index.js';
import { sellerOfToken } from '../../runtime/session-token.js';
import { accountKey, toWizardRecord } from './accounts.js';
import { recordKey, toRecord } from './connection-records.js';
import { dynamoSessionStore, idOf, keyOf, toSession } from './sessions.js';

export function dynamoSessionStoreWithAccounts(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): SessionStoreWithAccounts {
  const store = dynamoSessionStore(db, tableName);
  return {
    ...store,
    async findWithAccount(token, accountId, records = []) {
      const seller = sellerOfToken(token);
      if (!seller) return { session: await store.find(token) };
      const sessionKey = keyOf(idOf(token));
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
  };
}
