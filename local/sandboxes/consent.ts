/**
 * Drives a sandbox consent page without a browser, as tests do: loads the
 * page, fills its one form (hidden fields kept, `choices` added), presses the
 * button named by `decision`, and returns where the provider redirects.
 */
import { acceptance } from './facts.js';

export interface ConsentResult {
  /** The page's status (200 for a consent page; 4xx when the provider refuses the request). */
  readonly pageStatus: number;
  /** The page's HTML. */
  readonly page: string;
  /** The POST's status (302/303 on a redirect), or undefined when the page had no form. */
  readonly status?: number;
  /** Where the browser goes next (absolute URL), or undefined. */
  readonly location?: string;
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return m ? decode(m[2] ?? m[3] ?? '') : undefined;
};

/** Accepts the consent page at `url` of the sandbox `provider` as a plain click-through does (its facts' decision and choices), `extra` choices added. */
export function acceptConsent(url: string, provider: string, extra: Record<string, string> = {}): Promise<ConsentResult> {
  const { decision, choices } = acceptance(provider);
  return consent(url, decision, { ...choices, ...extra });
}

/** Loads `url`, submits its form with `decision` and `choices`, and returns the redirect. */
export async function consent(url: string, decision: string, choices: Record<string, string> = {}): Promise<ConsentResult> {
  const pageRes = await fetch(url, { redirect: 'manual' });
  const page = await pageRes.text();
  const formTag = /<form\b[^>]*>/i.exec(page)?.[0];
  if (!formTag) return { pageStatus: pageRes.status, page };
  const method = (attr(formTag, 'method') ?? 'get').toLowerCase();
  const action = new URL(attr(formTag, 'action') ?? url, url).href;
  const fields = new URLSearchParams();
  for (const m of page.matchAll(/<input\b[^>]*>/gi)) {
    const tag = m[0];
    if ((attr(tag, 'type') ?? '').toLowerCase() !== 'hidden') continue;
    const name = attr(tag, 'name');
    if (name) fields.set(name, attr(tag, 'value') ?? '');
  }
  for (const [k, v] of Object.entries(choices)) fields.set(k, v);
  fields.set('decision', decision);
  const res =
    method === 'post'
      ? await fetch(action, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: fields.toString() })
      : await fetch(`${action}${action.includes('?') ? '&' : '?'}${fields}`, { redirect: 'manual' });
  const location = res.headers.get('location');
  await res.text();
  return { pageStatus: pageRes.status, page, status: res.status, ...(location ? { location: new URL(location, action).href } : {}) };
}
