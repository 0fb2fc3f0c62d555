/**
 * `npm run providers`: every provider's production configuration, as JSON,
 * from the same definitions the connectors read: authorize and token URLs per
 * region or market, parameter names, scopes, PKCE, token request style,
 * callback parameters and the identity call.
 */
import { PROVIDERS } from '../shared/providers/index.js';
import type { ProviderDefinition } from '../shared/providers/types.js';

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

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(providersReport(), null, 2)}\n`);
}
