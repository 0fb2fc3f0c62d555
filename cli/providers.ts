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
import type { ProviderDefinition } from '../shared/providers/types.js';
import { callbackUrl } from '../shared/use-cases/connect/consent.js';

export function providersReport(): unknown[] {
  return (PROVIDERS as readonly ProviderDefinition[]).map((p) => {
    const common = {
      id: p.id,
      name: p.name,
      role: p.role,
      kind: p.kind,
      accountFields: p.accountFields.map((f) => f.key),
      regions: p.regions?.map((r) => ({ id: r.id, name: r.name, ...(r.marketplaces ? { marketplaces: r.marketplaces.map((m) => m.marketplaceId) } : {}) })) ?? null,
      sources: p.sources,
    };
    if (p.kind === 'api-keys') {
      return {
        ...common,
        connects: p.keys.automatic ? 'keys the seller pastes, or the store creates in one click' : 'keys the seller pastes',
        keys: p.keys.fields.map((f) => ({ field: f.key, label: f.label, secret: f.secret })),
        endpoints: p.keys.endpoints,
        ...(p.keys.automatic ? { automatic: { path: p.keys.automatic.authorizePath, appName: p.keys.automatic.appName, scope: p.keys.automatic.scope } } : {}),
      };
    }
    const authorize = (() => {
      switch (p.kind) {
        case 'oauth-code':
          return { url: p.authorizeUrl, parameters: ['client_id', 'redirect_uri', 'response_type=code', 'scope', 'state', ...(p.pkce === 'S256' ? ['code_challenge', 'code_challenge_method=S256'] : [])], redirectUri: p.redirectUri === 'registered-name' ? 'the registered RuName' : 'the callback URL' };
        case 'amazon-consent':
          return { urlPerRegion: Object.fromEntries(p.regions.map((r) => [r.id, `${r.urls?.consent}${p.consentPath}`])), parameters: ['application_id', 'state', 'redirect_uri'] };
        case 'shopify-install':
          return { url: `https://{shop}${p.authorizePath}`, parameters: ['client_id', 'scope', 'redirect_uri', 'state'] };
        case 'tiktok-shop':
          return { urlPerMarket: Object.fromEntries(p.regions.map((r) => [r.id, r.urls?.authorize])), parameters: ['service_id', 'state'] };
      }
    })();
    return {
      ...common,
      authorize,
      token: { url: p.tokenUrl, style: p.tokenRequest },
      scopes: p.scopes,
      scopeSeparator: p.scopeSeparator,
      pkce: p.pkce,
      callbackParameters: p.callback,
      identity: { ...p.identity, url: p.identity.url.replace('{api}', p.apiUrl ?? '{regional SP-API endpoint}').replace('{version}', p.kind === 'shopify-install' ? p.apiVersion : '{version}') },
      ...(p.kind === 'amazon-consent' ? { apiPerRegion: Object.fromEntries(p.regions.map((r) => [r.id, r.urls?.api])) } : {}),
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
      .filter((p) => p.kind === 'api-keys')
      .map((p) => p.name)
      .join(' and ')} connect with keys: nothing to register.`,
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
