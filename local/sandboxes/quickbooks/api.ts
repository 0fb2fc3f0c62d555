/** The QuickBooks sandbox's Accounting API on `sandbox-quickbooks.api.intuit.com` and `quickbooks.api.intuit.com`: `companyinfo` and `query`, its faults, JSON or XML. */
import { randomUUID } from 'node:crypto';
import { bearerToken, escapeHtml as esc } from '../http.js';
import type { SandboxRequest, SandboxResponse } from '../types.js';
import { ACCOUNTING, header, json, pacific, wantsJson, type QuickbooksState } from './common.js';
import { COMPANY_INFO, type Row } from './company.js';
import { parseQuery, QueryError, runQuery, xml } from './query.js';

export function quickbooksApi(s: QuickbooksState) {
  const { ctx, accessTokens } = s;


  const time = () => pacific(ctx.now());

  function fault(req: SandboxRequest, status: number, type: string, code: string, message: string, detail: string): SandboxResponse {
    const headers = { intuit_tid: randomUUID() };
    if (!wantsJson(req)) {
      return {
        status,
        headers: { 'content-type': 'application/xml;charset=UTF-8', ...headers },
        body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${time()}"><Fault type="${esc(type)}"><Error code="${esc(code)}"><Message>${esc(message)}</Message><Detail>${esc(detail)}</Detail></Error></Fault></IntuitResponse>`,
      };
    }
    return json(status, { Fault: { Error: [{ Message: message, Detail: detail, code }], type }, time: time() }, headers);
  }

  /** The gateway's 401: a lower-case `fault` envelope (not the API's `Fault`). */
  function unauthorized(req: SandboxRequest, detail: string): SandboxResponse {
    const message = 'message=AuthenticationFailed; errorCode=003200; statusCode=401';
    if (!wantsJson(req)) return fault(req, 401, 'AUTHENTICATION', '3200', message, detail);
    return json(
      401,
      {
        warnings: null,
        intuitObject: null,
        fault: { error: [{ message, detail, code: '3200', element: null }], type: 'AUTHENTICATION' },
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
      { intuit_tid: randomUUID(), 'www-authenticate': 'Bearer realm="Intuit", error="invalid_token"' },
    );
  }

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

  function api(req: SandboxRequest): SandboxResponse | undefined {
    const m = /^\/v3\/company\/([^/]+)\/(companyinfo\/([^/]+)|query)\/?$/i.exec(req.path);
    if (!m) return undefined;
    const [, realmId = '', what = '', infoId] = m;
    const isQuery = what.toLowerCase() === 'query';
    if (isQuery ? req.method !== 'GET' && req.method !== 'POST' : req.method !== 'GET') return { status: 405, headers: { allow: isQuery ? 'GET, POST' : 'GET' } };

    const bearer = bearerToken(header(req, 'authorization'));
    const record = bearer ? accessTokens.get(bearer) : undefined;
    if (!record || record.grant.revoked) return unauthorized(req, bearer ? 'Token revoked or invalid' : 'Authorization header is missing');
    if (record.expiresAt <= ctx.now()) return unauthorized(req, 'Token expired');
    if (record.grant.realmId !== realmId || !record.grant.scopes.includes(ACCOUNTING)) {
      return fault(req, 403, 'AuthorizationFault', '003100', 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', `The token is not authorized for company ${realmId}`);
    }
    const minor = req.query.get('minorversion');
    if (minor !== null && !/^\d+$/.test(minor)) return fault(req, 400, 'ValidationFault', '2010', 'Request has invalid or unsupported property', `Invalid minorversion: ${minor}`);

    if (!isQuery) {
      if (infoId !== realmId) return fault(req, 400, 'ValidationFault', '610', 'Object Not Found', `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.`);
      return answer(req, { CompanyInfo: COMPANY_INFO });
    }
    const text = req.method === 'POST' ? req.body : req.query.get('query');
    if (!text) return fault(req, 400, 'ValidationFault', '4000', 'Error parsing query', 'QueryParserError: query is missing');
    try {
      return answer(req, { QueryResponse: runQuery(parseQuery(text)) });
    } catch (e) {
      if (e instanceof QueryError) return fault(req, 400, 'ValidationFault', e.code, e.code === '4000' ? 'Error parsing query' : 'Invalid query', e.message);
      throw e;
    }
  }

  return { api };
}
