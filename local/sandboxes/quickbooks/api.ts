/** The QuickBooks sandbox's Accounting API on `sandbox-quickbooks.api.intuit.com` and `quickbooks.api.intuit.com`: `companyinfo`, `query` and creating an `account`, its faults, JSON or XML. */
import { randomUUID } from 'node:crypto';
import { bearerToken, escapeHtml as esc, mediaType } from '../http.js';
import type { SandboxRequest, SandboxResponse } from '../types.js';
import { addAccount, bodyOf, readAccountBody, type QuickbooksFault } from './accounts.js';
import { ACCOUNTING, header, json, pacific, wantsJson, type QuickbooksState } from './common.js';
import { COMPANY_INFO, type Row } from './company.js';
import { parseQuery, QueryError, runQuery, xml } from './query.js';

export function quickbooksApi(s: QuickbooksState) {
  const { ctx, accessTokens, addedAccounts, createFaults, creates } = s;


  const time = () => pacific(ctx.now());

  /** The API's `Fault` envelope; `element` (an attribute in XML) only where the fault names one, even empty. */
  function fault(req: SandboxRequest, status: number, type: string, code: string, message: string, detail: string, element?: string): SandboxResponse {
    const headers = { intuit_tid: randomUUID() };
    if (!wantsJson(req)) {
      const elementAttr = element === undefined ? '' : ` element="${esc(element)}"`;
      return {
        status,
        headers: { 'content-type': 'application/xml;charset=UTF-8', ...headers },
        body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${time()}"><Fault type="${esc(type)}"><Error code="${esc(code)}"${elementAttr}><Message>${esc(message)}</Message><Detail>${esc(detail)}</Detail></Error></Fault></IntuitResponse>`,
      };
    }
    return json(status, { Fault: { Error: [{ Message: message, Detail: detail, code, ...(element === undefined ? {} : { element }) }], type }, time: time() }, headers);
  }

  const answerFault = (req: SandboxRequest, f: QuickbooksFault) => fault(req, f.status, f.type, f.code, f.message, f.detail, f.element);

  /** The gateway's own errors (its 401, its 500): a lower-case `fault` envelope, not the API's `Fault`. */
  function gatewayFault(req: SandboxRequest, status: number, type: string, code: string, message: string, detail: string | null, headers: Record<string, string> = {}): SandboxResponse {
    if (!wantsJson(req)) return fault(req, status, type, code, message, detail ?? '');
    return json(
      status,
      {
        warnings: null,
        intuitObject: null,
        fault: { error: [{ message, detail, code, element: null }], type },
        report: null,
        queryResponse: null,
        batchItemResponse: [],
        attachableResponse: [],
        syncErrorResponse: null,
        requestId: null,
        time: ctx.now(),
        status: null,
        cdcresponse: [],
      },
      { intuit_tid: randomUUID(), ...headers },
    );
  }

  const unauthorized = (req: SandboxRequest, detail: string) =>
    gatewayFault(req, 401, 'AUTHENTICATION', '3200', 'message=AuthenticationFailed; errorCode=003200; statusCode=401', detail, {
      'www-authenticate': 'Bearer realm="Intuit", error="invalid_token"',
    });

  function answer(req: SandboxRequest, body: Row): SandboxResponse {
    const headers = { intuit_tid: randomUUID() };
    if (wantsJson(req)) return json(200, { ...body, time: time() }, headers);
    const inner = Object.entries(body).map(([k, v]) => xml(k, v)).join('');
    return {
      status: 200,
      headers: { 'content-type': 'application/xml;charset=UTF-8', ...headers },
      body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${time()}">${inner}</IntuitResponse>`,
    };
  }

  /** The gateway's checks on an API call (a live token, issued for this company with the accounting scope, a readable minor version): its refusal, or undefined. */
  function refusal(req: SandboxRequest, realmId: string): SandboxResponse | undefined {
    const bearer = bearerToken(header(req, 'authorization'));
    const record = bearer ? accessTokens.get(bearer) : undefined;
    if (!record || record.grant.revoked) return unauthorized(req, bearer ? 'Token revoked or invalid' : 'Authorization header is missing');
    if (record.expiresAt <= ctx.now()) return unauthorized(req, 'Token expired');
    if (record.grant.realmId !== realmId || !record.grant.scopes.includes(ACCOUNTING)) {
      return fault(req, 403, 'AuthorizationFault', '003100', 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', `The token is not authorized for company ${realmId}`);
    }
    const minor = req.query.get('minorversion');
    if (minor !== null && !/^\d+$/.test(minor)) return fault(req, 400, 'ValidationFault', '2010', 'Request has invalid or unsupported property', `Invalid minorversion: ${minor}`);
    return undefined;
  }

  /** `POST /account` for the company `realmId`: the answer, and the id of the account created, if one was. */
  function createAnswer(req: SandboxRequest, realmId: string): { response: SandboxResponse; createdId?: string } {
    const refused = refusal(req, realmId);
    if (refused) return { response: refused };
    // The sandbox reads JSON bodies only (QuickBooks also takes XML).
    if (mediaType(req) !== 'application/json') return { response: { status: 415, headers: { intuit_tid: randomUUID() } } };
    const read = readAccountBody(req.body);
    if ('fault' in read) return { response: answerFault(req, read.fault) };
    if (createFaults.next()) {
      // The gateway's own 500, in its lower-case envelope.
      return { response: gatewayFault(req, 500, 'SERVICE', '3100', 'message=InternalServerError; errorCode=003100; statusCode=500', null) };
    }
    const result = addAccount(s, realmId, read.account);
    if ('fault' in result) return { response: answerFault(req, result.fault) };
    return { response: answer(req, { Account: result.account }), createdId: String(result.account.Id) };
  }

  /** `POST /v3/company/{realmId}/account`, recorded for the company it names (whatever the answer) so tests can tell what reached the books. */
  function createAccount(req: SandboxRequest, realmId: string): SandboxResponse {
    const { response, createdId } = createAnswer(req, realmId);
    if (addedAccounts.has(realmId)) creates.add(realmId, { at: ctx.now(), body: bodyOf(req.body), status: response.status, ...(createdId ? { createdId } : {}) });
    return response;
  }

  function api(req: SandboxRequest): SandboxResponse | undefined {
    const created = /^\/v3\/company\/([^/]+)\/account\/?$/i.exec(req.path);
    if (created) {
      if (req.method !== 'POST') return { status: 405, headers: { allow: 'POST' } };
      return createAccount(req, created[1] ?? '');
    }
    const m = /^\/v3\/company\/([^/]+)\/(companyinfo\/([^/]+)|query)\/?$/i.exec(req.path);
    if (!m) return undefined;
    const [, realmId = '', what = '', infoId] = m;
    const isQuery = what.toLowerCase() === 'query';
    if (isQuery ? req.method !== 'GET' && req.method !== 'POST' : req.method !== 'GET') return { status: 405, headers: { allow: isQuery ? 'GET, POST' : 'GET' } };

    const refused = refusal(req, realmId);
    if (refused) return refused;

    if (!isQuery) {
      if (infoId !== realmId) return fault(req, 400, 'ValidationFault', '610', 'Object Not Found', `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.`);
      return answer(req, { CompanyInfo: COMPANY_INFO });
    }
    const text = req.method === 'POST' ? req.body : req.query.get('query');
    if (!text) return fault(req, 400, 'ValidationFault', '4000', 'Error parsing query', 'QueryParserError: query is missing');
    try {
      return answer(req, { QueryResponse: runQuery(parseQuery(text), (entity) => (entity === 'Account' ? (addedAccounts.get(realmId) ?? []) : [])) });
    } catch (e) {
      if (e instanceof QueryError) return fault(req, 400, 'ValidationFault', e.code, e.code === '4000' ? 'Error parsing query' : 'Invalid query', e.message);
      throw e;
    }
  }

  return { api };
}
