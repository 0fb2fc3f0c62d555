/**
 * `npm run providers`: every provider's production configuration, as JSON,
 * from the same definitions the connectors read: authorize and token URLs per
 * region or market, parameter names, scopes, PKCE, token request style,
 * callback parameters and the identity call.
 *
 * `npm run providers -- --callbacks https://app.example.com`: the callback URL
 * to register with each provider's developer app, for a deployment at that
 * origin (docs/deploy.md).
 */
import { parseArgs } from 'node:util';
import { OAUTH_PROVIDERS, PROVIDERS } from '../shared/providers/index.js';
import type { Account } from '../shared/domain/model.js';
import { CONNECTORS } from '../shared/providers/connectors.js';
import { authorizeUrlFor } from '../shared/providers/registry.js';
import type { OAuthProviderDefinition, ProviderDefinition } from '../shared/providers/types.js';
import { callbackUrl } from '../shared/use-cases/connect/consent.js';

/** Placeholders for what the consent URL carries from the app secret, the account and the request. */
const PLACEHOLDER_APP = { clientId: '{client_id}', clientSecret: '', applicationId: '{application_id}', serviceId: '{service_id}', ruName: '{RuName}' };
const PLACEHOLDER_SHOP = 'your-store.myshopify.com';

/**
 * The consent page and its parameters, per region where the consent is
 * offered, as the provider's connector builds them (so the report shows what
 * is sent, not a second copy of it).
 */
function consentPages(p: OAuthProviderDefinition): Record<string, { url: string; parameters: string[] }> {
  const regions = (p.regions ?? []).filter((r) => !p.oauthRegions || p.oauthRegions.includes(r.id)).map((r) => r.id);
  const page = (region: string | null) => {
    const account = { region, fields: { shopDomain: PLACEHOLDER_SHOP } } as unknown as Account;
    const built = new URL(authorizeUrlFor(CONNECTORS, p, { app: PLACEHOLDER_APP, account, state: '{state}', redirectUri: '{redirect_uri}', ...(p.pkce === 'S256' ? { codeChallenge: '{code_challenge}' } : {}) }));
    // Values the provider fixes are shown; the rest by name.
    const parameters = [...built.searchParams].map(([k, v]) => (v.startsWith('{') || k === 'scope' || k === 'nonce' ? k : `${k}=${v}`));
    return { url: `${built.origin}${built.pathname}`.replace(PLACEHOLDER_SHOP, '{shop}'), parameters };
  };
  return regions.length > 0 ? Object.fromEntries(regions.map((r) => [r, page(r)])) : { all: page(null) };
}

export function providersReport(): unknown[] {
  return (PROVIDERS as readonly ProviderDefinition[]).map((p) => {
    const common = {
      id: p.id,
      name: p.name,
      role: p.role,
      kind: p.kind,
      accountFields: p.accountFields.map((f) => f.key),
      regions: p.regions?.map((r) => ({ id: r.id, name: r.name, ...(r.marketplaces ? { marketplaces: r.marketplaces.map((m) => m.marketplaceId) } : {}) })) ?? null,
      calendar: p.calendar,
      sources: p.sources,
    };
    const keys = p.keys
      ? {
          keys: p.keys.fields.map((f) => ({ field: f.key, label: f.label, secret: f.secret })),
          endpoints: p.keys.endpoints,
          ...(p.keys.regions ? { keysRegions: p.keys.regions } : {}),
          ...(p.keys.retires ? { keysRetire: { after: p.keys.retires.after, regions: p.keys.retires.regions ?? 'all' } } : {}),
          ...(p.keys.automatic ? { automatic: { path: p.keys.automatic.authorizePath, appName: p.keys.automatic.appName, scope: p.keys.automatic.scope } } : {}),
        }
      : {};
    if (p.kind === 'api-keys') {
      return { ...common, connects: p.keys.automatic ? 'keys the seller pastes, or the store creates in one click' : 'keys the seller pastes', ...keys };
    }
    const pages = consentPages(p);
    const perRegion = p.regions && p.regions.length > 0;
    return {
      ...common,
      connects: p.keys ? `by consent${p.oauthRegions ? ` (${p.oauthRegions.join(', ')})` : ''}, or keys the seller pastes` : 'by consent',
      authorize: perRegion
        ? { urlPerRegion: Object.fromEntries(Object.entries(pages).map(([r, x]) => [r, x.url])), parameters: Object.values(pages)[0]?.parameters ?? [] }
        : { url: pages.all!.url, parameters: pages.all!.parameters, ...(p.kind === 'oauth-code' ? { redirectUri: p.redirectUri === 'registered-name' ? 'the registered RuName' : 'the callback URL' } : {}) },
      token: { url: p.tokenUrl, style: p.tokenRequest },
      scopes: p.scopes,
      scopeSeparator: p.scopeSeparator,
      pkce: p.pkce,
      callbackParameters: p.callback,
      identity: { ...p.identity, url: p.identity.url.replace('{api}', p.apiUrl ?? '{regional SP-API endpoint}').replace('{version}', p.kind === 'shopify-install' ? p.apiVersion : '{version}') },
      ...(p.kind === 'amazon-consent' ? { apiPerRegion: Object.fromEntries(p.regions.map((r) => [r.id, r.urls?.api])) } : {}),
      ...keys,
    };
  });
}

/** The origin sellers open, from what an operator typed: https, and nothing but the origin. */
export function appOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('--callbacks needs the https origin sellers open, like https://app.example.com');
  }
  if (url.protocol !== 'https:') throw new Error('--callbacks needs an https origin, like https://app.example.com: providers send sellers back only to https');
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') throw new Error('--callbacks needs an origin only (scheme, host and port), like https://app.example.com');
  return url.origin;
}

/** The callback URL each provider app registers: one per provider that connects by consent (those with an app secret). */
export function callbacks(origin: string): { id: string; name: string; url: string; note?: string }[] {
  return OAUTH_PROVIDERS.map((p) => ({
    id: p.id,
    name: p.name,
    url: callbackUrl(origin, p.id),
    ...(p.kind === 'oauth-code' && p.redirectUri === 'registered-name' ? { note: "as the RuName's accepted URL; the RuName goes in the app secret" } : {}),
  }));
}

function callbacksText(origin: string): string {
  const rows = callbacks(origin);
  const width = Math.max(...rows.map((r) => r.id.length));
  return [
    `Callback URLs to register with each provider's developer app, for ${origin}:`,
    '',
    ...rows.map((r) => `${r.id.padEnd(width)}  ${r.url}${r.note ? `  (${r.note})` : ''}`),
    '',
    `${(PROVIDERS as readonly ProviderDefinition[])
      .filter((p) => p.keys)
      .map((p) => p.name)
      .join(' and ')} also (or only) connect with keys: nothing to register for those.`,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let args: ReturnType<typeof parseArgs<{ options: { callbacks: { type: 'string' } } }>>;
  try {
    args = parseArgs({ options: { callbacks: { type: 'string' } }, allowPositionals: false });
  } catch {
    process.stderr.write('Usage: npm run providers [-- --callbacks https://app.example.com]\n');
    process.exit(2);
  }
  if (args.values.callbacks === undefined) {
    process.stdout.write(`${JSON.stringify(providersReport(), null, 2)}\n`);
  } else {
    try {
      process.stdout.write(callbacksText(appOrigin(args.values.callbacks)));
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exit(2);
    }
  }
}
