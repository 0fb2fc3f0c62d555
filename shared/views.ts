/** Maps domain records to the views the API returns. Never includes a secret. */
import { findChannel, findRegion } from './catalog.js';
import type { Account } from './model.js';
import type { AccountView } from './schemas.js';

export function accountView(account: Account): AccountView {
  const channel = findChannel(account.channel);
  const region = channel && account.region ? findRegion(channel, account.region) : undefined;
  return {
    id: account.id,
    name: account.name,
    channel: account.channel,
    channelName: channel?.name ?? account.channel,
    region: region ? { id: region.id, name: region.name } : null,
    marketplaces: region?.marketplaces ? [...region.marketplaces] : [],
    shopDomain: account.shopDomain,
    storeUrl: account.storeUrl,
    setup: {
      step: account.step,
      status: account.status,
      canResume: account.status === 'paused',
      canStartOver: account.step !== 'connect_channel' || account.connections.length > 0,
    },
    connections: account.connections.map((c) => ({
      kind: c.kind,
      provider: c.provider,
      label: c.label,
      connectedAt: c.connectedAt,
    })),
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
  };
}
