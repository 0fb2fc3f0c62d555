/**
 * The one table definition: the CDK stack and the local stack both create the
 * table from it, so keys and indexes cannot drift apart.
 *
 * Items (pk / sk):
 * - `EMAIL#<email>` / `USER`: a seller, keyed by email so sign-up claims the
 *   email with one conditional put (in one transaction with the first session).
 * - `SELLER#<userId>` / `ACCOUNT~SESSION#<sha256(token)>`: a server-side
 *   session, in the partition of the seller its token names; the token
 *   itself is never stored. It sorts after the seller's accounts and before
 *   their events, so a request about one account reads the session and the
 *   account in one BatchGetItem, and the list reads the session and all the
 *   accounts in one Query; a consistent query of the partition by this
 *   prefix lists a seller's sessions (to end the oldest, or all of them).
 * - `ATTEMPTS#<sha256(key)>` / `ATTEMPTS`: a count of sign-in or sign-up attempts in a window.
 * - `SELLER#<userId>` / `ACCOUNT#<accountId>`: an account; reading it by the
 *   seller's own key is the ownership check. `gsi1pk = ACCOUNT#<accountId>`
 *   finds it by id alone (support, the wizard task).
 * - `SELLER#<userId>` / `EVENT#<accountId>#<time>#<rand>`: an account's audit
 *   trail, written in one transaction with the change each event records.
 * - `CONNECTION#<secret name>` / `CONNECTION`: a connection's health and expiry
 *   calendar (never a credential); `gsi1pk = REFRESH_DUE`, `gsi1sk = <the
 *   sooner of refreshDueAt and checkDueAt>#<secret name>` while the refresher
 *   has something to do (a refresh, or the daily check of keys).
 * - `INVITE#<sha256(token)>` / `INVITE`: a connect link (invitation); the token
 *   itself is never stored (its hash is the invitation's id). `gsi1pk =
 *   INVITATIONS#<sellerId>#<accountId>`, `gsi1sk = <createdAt>` lists an account's links.
 * - `LEASE#<secret name>` / `LEASE`: the one refresher (or checker, or reconnect) of a connection, until its lease runs out.
 */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  /** Items with this attribute (epoch seconds) expire; reads also filter on it. */
  ttlAttribute: 'expiresAt',
} as const;

/** The table as a DynamoDB CreateTable input (less its name), for the local stack. */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' as const },
      { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' as const },
      ...TABLE_KEYS.indexes.flatMap((i) => [
        { AttributeName: i.partitionKey, AttributeType: 'S' as const },
        { AttributeName: i.sortKey, AttributeType: 'S' as const },
      ]),
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: TABLE_KEYS.indexes.map((i) => ({
      IndexName: i.name,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: i.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}
