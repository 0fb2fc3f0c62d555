/**
 * The apps Onramp has registered with each provider, as the provider's own
 * developer console would hold them. Each sandbox states its own in its
 * `facts.ts` (`registration`); the sandboxes check requests against these,
 * and the local stack seeds the same values into Onramp's app secrets (as
 * the CDK-named app secrets hold them in the cloud). Sandbox values only.
 */
import { SANDBOX_FACTS, type RegisteredSandboxId } from './facts.js';

export type Registrations = {
  readonly [K in RegisteredSandboxId]: ReturnType<(typeof SANDBOX_FACTS)[K]['registration']>;
};

type Registering = { readonly registration: (callback: string) => unknown; readonly appSecret: (r: never) => Readonly<Record<string, string>> };
const registering = (): [string, Registering][] =>
  Object.entries(SANDBOX_FACTS as Readonly<Record<string, object>>).filter((e): e is [string, Registering] => 'registration' in e[1] && 'appSecret' in e[1]);

/** The registrations for an Onramp web app served at `appOrigin` (callbacks at `/api/oauth/<provider>/callback`): every sandbox whose facts register an app. */
export function sandboxRegistrations(appOrigin: string): Registrations {
  return Object.fromEntries(registering().map(([id, f]) => [id, f.registration(`${appOrigin}/api/oauth/${id}/callback`)])) as Registrations;
}

/** Onramp's app secrets (`<prefix><provider>`), as the operator fills them in the cloud, from the sandbox registrations. */
export function appSecretsFor(r: Registrations): Record<string, Record<string, string>> {
  const byId = r as unknown as Readonly<Record<string, never>>;
  return Object.fromEntries(registering().map(([id, f]) => [id, { ...f.appSecret(byId[id]!) }]));
}
