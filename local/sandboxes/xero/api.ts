/** The Xero sandbox's APIs on `api.xero.com`: the Identity API's `/connections` and the Accounting API's Accounts (listing and creating), TaxRates and Organisation (`where`, `order`, JSON or XML). */
import { randomUUID } from 'node:crypto';
import { bearerToken, escapeHtml as esc, json } from '../http.js';
import type { SandboxRequest, SandboxResponse } from '../types.js';
import { addAccount, bodyOf, readAccountBody, validationElement } from './accounts.js';
import { APP_NAME, header, identityDate, msDate, problem, SETTINGS_SCOPES, SETTINGS_WRITE_SCOPE, type Grant, type XeroState } from './common.js';
import { ORGS } from './organisations.js';

/* ------------------------------------------------------------------ */
/* `where` and `order` (the Accounting API's filter and sort)           */
/* ------------------------------------------------------------------ */

type Row = Record<string, unknown>;

/** Supports `Field=="text"`, `Field!="text"`, `Field==true|false`, joined by `AND` / `&&`. */
function whereFilter(where: string): ((row: Row) => boolean) | string {
  const clauses = where.split(/\s+AND\s+|\s*&&\s*/i).map((c) => c.trim()).filter(Boolean);
  const tests: ((row: Row) => boolean)[] = [];
  for (const clause of clauses) {
    const m = /^([A-Za-z]+)\s*(==|!=)\s*(?:"([^"]*)"|(true|false))$/.exec(clause);
    if (!m) return `Operator or expression not supported: '${clause}'`;
    const [, field = '', op, text, bool] = m;
    const want: unknown = text ?? bool === 'true';
    tests.push((row) => {
      const key = Object.keys(row).find((k) => k.toLowerCase() === field.toLowerCase());
      const value = key === undefined ? undefined : row[key];
      return op === '==' ? value === want : value !== want;
    });
  }
  return (row) => tests.every((t) => t(row));
}

function orderBy(rows: Row[], order: string): Row[] | string {
  const m = /^\s*([A-Za-z]+)(?:\s+(ASC|DESC))?\s*$/i.exec(order);
  if (!m) return `Invalid order: '${order}'`;
  const field = m[1] ?? '';
  const dir = (m[2] ?? 'ASC').toUpperCase() === 'DESC' ? -1 : 1;
  const val = (r: Row) => {
    const key = Object.keys(r).find((k) => k.toLowerCase() === field.toLowerCase());
    const v = key === undefined ? '' : r[key];
    return typeof v === 'string' ? v.toLowerCase() : String(v ?? '');
  };
  return [...rows].sort((a, b) => (val(a) < val(b) ? -dir : val(a) > val(b) ? dir : 0));
}

/* ------------------------------------------------------------------ */
/* Serialisation of Accounting API answers (JSON or Xero's XML)         */
/* ------------------------------------------------------------------ */

/** JSON with Xero's `"\/Date(…)\/"` escaping. */
const xeroJson = (body: unknown) => JSON.stringify(body).replace(/"\/Date\((\d+\+0000)\)\/"/g, '"\\/Date($1)\\/"');

const SINGULAR: Record<string, string> = { Accounts: 'Account', TaxRates: 'TaxRate', TaxComponents: 'TaxComponent', Organisations: 'Organisation' };
function xml(tag: string, value: unknown): string {
  if (Array.isArray(value)) return `<${tag}>${value.map((v) => xml(SINGULAR[tag] ?? tag.replace(/s$/, ''), v)).join('')}</${tag}>`;
  if (value !== null && typeof value === 'object') {
    return `<${tag}>${Object.entries(value as Row).map(([k, v]) => xml(k, v)).join('')}</${tag}>`;
  }
  let text = String(value ?? '');
  const date = /^\/Date\((\d+)\+0000\)\/$/.exec(text);
  if (date) text = new Date(Number(date[1])).toISOString().slice(0, 19);
  return `<${tag}>${esc(text)}</${tag}>`;
}

const wantsJson = (req: SandboxRequest) => (header(req, 'accept') ?? '').toLowerCase().includes('application/json');

/** Xero's rate-limit and correlation headers on an Accounting API answer. */
const apiHeaders = () => ({
  'xero-correlation-id': randomUUID(),
  'x-appminlimit-remaining': '9999',
  'x-minlimit-remaining': '59',
  'x-daylimit-remaining': '4999',
});

/**
 * An Accounting API error (`{ErrorNumber, Type, Message, Elements?}`): JSON
 * when the request accepts it, else Xero's `<ApiException>`, each refused
 * object a `<DataContractBase xsi:type="Account">` with its messages first.
 */
function apiException(req: SandboxRequest, status: number, error: Row): SandboxResponse {
  if (wantsJson(req)) return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...apiHeaders() }, body: xeroJson(error) };
  const { Elements, ...top } = error;
  const elements = Array.isArray(Elements)
    ? `<Elements>${(Elements as Row[])
        .map(({ ValidationErrors, ...rest }) => {
          const messages = (ValidationErrors as { Message: string }[]).map((v) => `<ValidationError>${xml('Message', v.Message)}</ValidationError>`).join('');
          return `<DataContractBase xsi:type="Account"><ValidationErrors>${messages}</ValidationErrors>${Object.entries(rest).map(([k, v]) => xml(k, v)).join('')}</DataContractBase>`;
        })
        .join('')}</Elements>`
    : '';
  return {
    status,
    headers: { 'content-type': 'text/xml; charset=utf-8', ...apiHeaders() },
    body: `<ApiException xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${Object.entries(top).map(([k, v]) => xml(k, v)).join('')}${elements}</ApiException>`,
  };
}

/* ------------------------------------------------------------------ */
/* The APIs                                                            */
/* ------------------------------------------------------------------ */

export function xeroApi(s: XeroState) {
  const { ctx, accessTokens, connections, charts, createFaults, creates } = s;


  function authenticate(req: SandboxRequest): { grant: Grant } | SandboxResponse {
    const token = bearerToken(header(req, 'authorization'));
    const record = token ? accessTokens.get(token) : undefined;
    if (!record) return problem(401, 'Unauthorized', 'AuthenticationUnsuccessful', { 'www-authenticate': 'Bearer error="invalid_token"' });
    if (record.expiresAt <= ctx.now()) {
      const at = new Date(record.expiresAt);
      const p2 = (n: number) => String(n).padStart(2, '0');
      const when = `${p2(at.getUTCMonth() + 1)}/${p2(at.getUTCDate())}/${at.getUTCFullYear()} ${p2(at.getUTCHours())}:${p2(at.getUTCMinutes())}:${p2(at.getUTCSeconds())}`;
      return problem(401, 'Unauthorized', `TokenExpired: token expired at ${when}`, {
        'www-authenticate': `Bearer error="invalid_token", error_description="The token expired at '${when}'"`,
      });
    }
    return { grant: record.grant };
  }

  function connectionsApi(req: SandboxRequest): SandboxResponse {
    const who = authenticate(req);
    if ('status' in who) return who;
    const clientId = who.grant.clientId;
    const rest = req.path.replace(/^\/connections\/?/i, '');
    if (!rest) {
      if (req.method !== 'GET') return { status: 405, headers: { allow: 'GET' } };
      const filter = req.query.get('authEventId');
      const list = [...connections.values()]
        .filter((c) => c.clientId === clientId && (!filter || c.authEventId === filter))
        .map((c) => ({
          id: c.id,
          authEventId: c.authEventId,
          tenantId: c.tenantId,
          tenantType: 'ORGANISATION',
          tenantName: c.tenantName,
          createdDateUtc: identityDate(c.created),
          updatedDateUtc: identityDate(c.updated),
        }));
      return json(200, list);
    }
    if (req.method !== 'DELETE') return { status: 405, headers: { allow: 'DELETE' } };
    const entry = [...connections.entries()].find(([, c]) => c.clientId === clientId && c.id.toLowerCase() === rest.toLowerCase());
    if (!entry) return problem(404, 'Not Found', 'Connection not found');
    connections.delete(entry[0]);
    return { status: 204 };
  }

  /** A list answer in Xero's envelope, JSON when the request accepts it, else Xero's XML. */
  function envelope(req: SandboxRequest, key: string, rows: readonly Row[]): SandboxResponse {
    const body = { Id: randomUUID(), Status: 'OK', ProviderName: APP_NAME, DateTimeUTC: msDate(ctx.now()), [key]: rows };
    if (wantsJson(req)) return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', ...apiHeaders() }, body: xeroJson(body) };
    const inner = Object.entries(body).map(([k, v]) => xml(k, v)).join('');
    return {
      status: 200,
      headers: { 'content-type': 'text/xml; charset=utf-8', ...apiHeaders() },
      body: `<Response xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">${inner}</Response>`,
    };
  }

  /** `PUT /Accounts` for the organisation `tenantId` names: the answer, and the id of the account created, if one was. */
  function createAnswer(req: SandboxRequest, tenantId: string): { response: SandboxResponse; createdId?: string } {
    const who = authenticate(req);
    if ('status' in who) return { response: who };
    // Creating needs the write scope; accounting.settings.read only reads.
    if (!who.grant.scopes.includes(SETTINGS_WRITE_SCOPE)) return { response: problem(401, 'Unauthorized', 'AuthorizationUnsuccessful') };
    if (!tenantId || !connections.has(`${who.grant.clientId} ${tenantId}`) || !charts.has(tenantId)) return { response: problem(403, 'Forbidden', 'AuthenticationUnsuccessful') };
    const input = readAccountBody(req.body);
    if (!input) {
      return {
        response: apiException(req, 400, {
          ErrorNumber: 17,
          Type: 'NoDataProcessedException',
          Message: 'No data has been processed for this endpoint. This endpoint is expecting Account data to be specifed in the request body.',
        }),
      };
    }
    if (createFaults.next()) {
      return {
        response: json(500, {
          Title: 'An error occurred',
          Detail: 'An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.',
          Status: 500,
          Instance: randomUUID(),
        }),
      };
    }
    const result = addAccount(s, tenantId, input);
    if ('errors' in result) {
      return {
        response: apiException(req, 400, { ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred', Elements: [validationElement(input, result.errors)] }),
      };
    }
    return { response: envelope(req, 'Accounts', [result.account]), createdId: String(result.account.AccountID) };
  }

  /** `PUT /Accounts`, recorded for the organisation it names (whatever the answer) so tests can tell what reached the books. */
  function createAccount(req: SandboxRequest): SandboxResponse {
    const tenantId = (header(req, 'xero-tenant-id') ?? '').trim().toLowerCase();
    const { response, createdId } = createAnswer(req, tenantId);
    if (charts.has(tenantId)) creates.add(tenantId, { at: ctx.now(), body: bodyOf(req.body), status: response.status, ...(createdId ? { createdId } : {}) });
    return response;
  }

  function accountingApi(req: SandboxRequest): SandboxResponse | undefined {
    const m = /^\/api\.xro\/2\.0\/(accounts|taxrates|organisation)\/?$/i.exec(req.path);
    if (!m) return undefined;
    const resource = (m[1] ?? '').toLowerCase();
    if (resource === 'accounts' && req.method === 'PUT') return createAccount(req);
    if (req.method !== 'GET') return { status: 405, headers: { allow: resource === 'accounts' ? 'GET, PUT' : 'GET' } };
    const who = authenticate(req);
    if ('status' in who) return who;
    if (!who.grant.scopes.some((s) => SETTINGS_SCOPES.includes(s))) return problem(401, 'Unauthorized', 'AuthorizationUnsuccessful');
    const tenantId = (header(req, 'xero-tenant-id') ?? '').trim().toLowerCase();
    const connected = tenantId && connections.has(`${who.grant.clientId} ${tenantId}`);
    const org = connected ? ORGS.get(tenantId) : undefined;
    if (!org) return problem(403, 'Forbidden', 'AuthenticationUnsuccessful');

    let key: string;
    let rows: Row[];
    if (resource === 'accounts') [key, rows] = ['Accounts', charts.get(tenantId) ?? []];
    else if (resource === 'taxrates') [key, rows] = ['TaxRates', org.taxRates];
    else [key, rows] = ['Organisations', [org.organisation]];
    if (resource !== 'organisation') {
      const where = req.query.get('where');
      if (where) {
        const f = whereFilter(where);
        if (typeof f === 'string') return json(400, { ErrorNumber: 16, Type: 'QueryParseException', Message: f });
        rows = rows.filter(f);
      }
      const order = req.query.get('order');
      if (order) {
        const sorted = orderBy(rows, order);
        if (typeof sorted === 'string') return json(400, { ErrorNumber: 16, Type: 'QueryParseException', Message: sorted });
        rows = sorted;
      }
    }
    return envelope(req, key, rows);
  }

  return { connectionsApi, accountingApi };
}
