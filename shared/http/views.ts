/** Maps domain records to the views the API returns. Never includes a secret. */
import { findChannel, findRegion } from '../providers/catalog.js';
import type { Account, AccountEvent } from '../domain/model.js';
import { HEALTH_LABELS, type Health } from '../domain/health-status.js';
import type { AccountView, EventView } from './schemas.js';
import { canResume, canStartOver, stepLabel, SETUP_STEPS, type SetupStep } from '../domain/wizard.js';

/**
 * The account as the API shows it. `health` holds each connection's health by
 * secret name, where it was looked up (Account Settings, the account list);
 * elsewhere a connection's health is `null` (not looked up).
 */
export function accountView(account: Account, health?: ReadonlyMap<string, Health>): AccountView {
  const channel = findChannel(account.channel);
  const region = channel && account.region ? findRegion(channel, account.region) : undefined;
  return {
    id: account.id,
    name: account.name,
    channel: account.channel,
    channelName: channel?.name ?? account.channel,
    region: region ? { id: region.id, name: region.name } : null,
    marketplaces: region?.marketplaces ? [...region.marketplaces] : [],
    fields: (channel?.accountFields ?? []).flatMap((f) => {
      const value = account.fields[f.key];
      return value ? [{ key: f.key, label: f.label, value }] : [];
    }),
    setup: {
      step: account.step,
      status: account.status,
      canResume: canResume(account),
      canStartOver: canStartOver(account, account.connections.length),
    },
    connections: account.connections.map((c) => ({
      kind: c.kind,
      provider: c.provider,
      label: c.label,
      connectedAt: c.connectedAt,
      details: c.details ? c.details.map((d) => ({ label: d.label, value: d.value })) : [],
      reference: c.kind === 'books' && c.identity ? `${c.provider}:${c.identity}` : null,
      alsoConnectedTo: c.alsoConnectedTo ?? null,
      health: healthView(health?.get(c.secretName) ?? (health ? { state: 'connected', expiresAt: null, reason: null, message: 'Connected.' } : undefined)),
    })),
    pendingOrganisations: account.pendingBooks ? account.pendingBooks.choices.map((c) => ({ id: c.id, name: c.name })) : null,
    mapping: account.mapping ? { accounts: { ...account.mapping.accounts }, taxRates: { ...account.mapping.taxRates }, startDate: account.mapping.startDate } : null,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
  };
}

const ACTORS: Record<string, string> = { seller: 'You', system: 'Onramp' };

/** An audit event as a sentence the seller can read. */
export function eventView(e: AccountEvent): EventView {
  const step = (SETUP_STEPS as readonly string[]).includes(e.detail ?? '') ? stepLabel(e.detail as SetupStep) : null;
  const text: Record<AccountEvent['type'], string> = {
    created: 'Account created',
    step_completed: step ? `Completed "${step}"` : 'Completed a step',
    paused: e.detail ?? 'Setup paused',
    resumed: 'Setup resumed',
    started_over: 'Setup started over',
    connection_made: e.detail ? `Connected ${e.detail}` : 'Connection made',
    reset: `Reset by support: ${e.detail ?? 'no reason given'}`,
    reconnected: e.detail ? `Reconnected ${e.detail}` : 'Reconnected',
  };
  const actor = e.actor.startsWith('support:') ? 'Support' : (ACTORS[e.actor] ?? e.actor);
  return { type: e.type, at: e.at, actor, text: text[e.type] };
}

function healthView(h: Health | undefined): AccountView['connections'][number]['health'] {
  return h ? { state: h.state, label: HEALTH_LABELS[h.state], message: h.message, expiresAt: h.expiresAt, reason: h.reason } : null;
}
