/** The QuickBooks sandbox's query language (a small, faithful subset of Intuit's SQL-like `query`) and the API's XML answers. */
import { escapeHtml as esc } from '../http.js';
import { ENTITIES, type Row } from './company.js';

/* ------------------------------------------------------------------ */
/* The query language (a small, faithful subset)                       */
/* ------------------------------------------------------------------ */

export type Value = string | number | boolean;
export interface Clause {
  readonly field: string;
  readonly op: '=' | '!=' | '<' | '>' | '<=' | '>=' | 'in' | 'like';
  readonly values: readonly Value[];
}
export interface Query {
  readonly entity: string;
  readonly count: boolean;
  readonly fields?: readonly string[];
  readonly where: readonly Clause[];
  readonly order?: { readonly field: string; readonly desc: boolean };
  readonly start: number;
  readonly max: number;
}

export class QueryError extends Error {
  constructor(
    readonly code: '4000' | '4001',
    message: string,
  ) {
    super(message);
  }
}

/** Splits on `sep` (a regex matching at the start of the rest) outside single-quoted strings. */
export function splitOutsideQuotes(s: string, sep: RegExp): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (ch === '\\' && quoted) {
      cur += ch + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === "'") quoted = !quoted;
    if (!quoted) {
      const m = sep.exec(s.slice(i));
      if (m && m.index === 0) {
        out.push(cur);
        cur = '';
        i += m[0].length - 1;
        continue;
      }
    }
    cur += ch;
  }
  if (quoted) throw new QueryError('4000', 'QueryParserError: Encountered unterminated string literal');
  out.push(cur);
  return out;
}

export function parseValue(raw: string): Value {
  const v = raw.trim();
  const str = /^'((?:[^'\\]|\\.)*)'$/.exec(v);
  if (str) return (str[1] ?? '').replace(/\\(.)/g, '$1');
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  throw new QueryError('4000', `QueryParserError: Encountered " ${v} " at line 1`);
}

export function parseQuery(text: string): Query {
  const m = /^\s*select\s+(.+?)\s+from\s+(\w+)\b(.*)$/is.exec(text);
  if (!m) throw new QueryError('4000', `QueryParserError: Encountered "<EOF>" in "${text.slice(0, 80)}"`);
  const [, projection = '', entityName = '', rest = ''] = m;
  const entity = ENTITIES[entityName.toLowerCase()];
  if (!entity) throw new QueryError('4001', `QueryValidationError: Invalid entity name: ${entityName}`);
  const count = /^count\s*\(\s*\*\s*\)$/i.test(projection.trim());
  const fields = count || projection.trim() === '*' ? undefined : projection.split(',').map((f) => f.trim()).filter(Boolean);
  if (fields?.some((f) => !/^[\w.]+$/.test(f))) throw new QueryError('4000', `QueryParserError: Encountered "${projection}"`);

  const tail = /^\s*(?:where\s+(.+?))?\s*(?:order\s*by\s+([\w.]+)(?:\s+(asc|desc))?)?\s*(?:startposition\s+(\d+))?\s*(?:maxresults\s+(\d+))?\s*$/is.exec(rest);
  if (!tail) throw new QueryError('4000', `QueryParserError: Encountered "${rest.trim().split(/\s+/)[0] ?? ''}"`);
  const [, whereText, orderField, orderDir, startText, maxText] = tail;
  const where: Clause[] = [];
  if (whereText) {
    for (const part of splitOutsideQuotes(whereText, /^\s+and\s+/i)) {
      const c = /^\s*([\w.]+)\s*(<=|>=|!=|<>|=|<|>|\bin\b|\blike\b)\s*(.+?)\s*$/is.exec(part);
      if (!c) throw new QueryError('4000', `QueryParserError: Encountered "${part.trim()}"`);
      const [, field = '', rawOp = '', rawValue = ''] = c;
      const op = rawOp.toLowerCase() === '<>' ? '!=' : (rawOp.toLowerCase() as Clause['op']);
      let values: Value[];
      if (op === 'in') {
        const list = /^\((.*)\)$/s.exec(rawValue.trim());
        if (!list) throw new QueryError('4000', `QueryParserError: IN needs a list: "${rawValue}"`);
        values = splitOutsideQuotes(list[1] ?? '', /^\s*,\s*/).map(parseValue);
      } else {
        values = [parseValue(rawValue)];
      }
      where.push({ field, op, values });
    }
  }
  const start = startText ? Number(startText) : 1;
  const max = maxText ? Number(maxText) : 100;
  if (start < 1) throw new QueryError('4001', 'QueryValidationError: STARTPOSITION must be at least 1');
  return {
    entity: entity.name,
    count,
    ...(fields ? { fields } : {}),
    where,
    ...(orderField ? { order: { field: orderField, desc: (orderDir ?? '').toLowerCase() === 'desc' } } : {}),
    start,
    max: Math.min(Math.max(max, 0), 1000),
  };
}

/** A (dotted) field, case-insensitive; `undefined` when the entity has no such property. */
export function lookup(row: Row, path: string): unknown {
  let cur: unknown = row;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const obj = cur as Row;
    const k = Object.keys(obj).find((key) => key.toLowerCase() === part.toLowerCase());
    cur = k === undefined ? undefined : obj[k];
  }
  return cur;
}

export function compare(a: unknown, b: Value): number {
  if (typeof b === 'number' || (typeof a === 'number' && !Number.isNaN(Number(b)))) return Number(a) - Number(b);
  if (typeof b === 'boolean') return a === b ? 0 : 1;
  const x = String(a ?? '').toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

export function matches(row: Row, c: Clause): boolean {
  const v = lookup(row, c.field);
  const first = c.values[0] ?? '';
  switch (c.op) {
    case '=': return compare(v, first) === 0;
    case '!=': return compare(v, first) !== 0;
    case '<': return compare(v, first) < 0;
    case '>': return compare(v, first) > 0;
    case '<=': return compare(v, first) <= 0;
    case '>=': return compare(v, first) >= 0;
    case 'in': return c.values.some((x) => compare(v, x) === 0);
    case 'like': {
      const re = new RegExp(`^${String(first).split('%').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'is');
      return re.test(String(v ?? ''));
    }
  }
}

/** Runs `q` over the company's rows, with `added(entity)` (the rows created since, e.g. new accounts) after them. */
export function runQuery(q: Query, added: (entity: string) => readonly Row[] = () => []): Row {
  const spec = ENTITIES[q.entity.toLowerCase()];
  if (!spec) throw new QueryError('4001', `QueryValidationError: Invalid entity name: ${q.entity}`);
  let rows = [...spec.rows(), ...added(spec.name)];
  for (const c of [...q.where, ...(q.order ? [{ field: q.order.field }] : [])]) {
    if (!rows.some((r) => lookup(r, c.field) !== undefined)) {
      throw new QueryError('4001', `QueryValidationError: property '${c.field}' is not queryable`);
    }
  }
  if (spec.activeByDefault && !q.where.some((c) => c.field.toLowerCase() === 'active')) rows = rows.filter((r) => r.Active === true);
  rows = rows.filter((r) => q.where.every((c) => matches(r, c)));
  if (q.order) {
    const { field, desc } = q.order;
    rows = [...rows].sort((a, b) => {
      const x = lookup(a, field);
      const d = compare(x, (lookup(b, field) ?? '') as Value);
      return desc ? -d : d;
    });
  }
  if (q.count) return { totalCount: rows.length };
  const page = rows.slice(q.start - 1, q.start - 1 + q.max);
  if (!page.length) return {};
  const shaped = q.fields
    ? page.map((r) => {
        const out: Row = {};
        for (const f of q.fields ?? []) {
          const k = Object.keys(r).find((key) => key.toLowerCase() === f.split('.')[0]?.toLowerCase());
          if (k) out[k] = r[k];
        }
        return { ...out, domain: 'QBO', sparse: true, Id: r.Id };
      })
    : page;
  return { [spec.name]: shaped, startPosition: q.start, maxResults: shaped.length };
}

/* ------------------------------------------------------------------ */
/* XML (what the API answers without Accept: application/json)          */
/* ------------------------------------------------------------------ */

export const ATTRIBUTES = new Set(['domain', 'sparse', 'startPosition', 'maxResults', 'totalCount']);
export function xml(tag: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => xml(tag, v)).join('');
  if (value !== null && typeof value === 'object') {
    const obj = value as Row;
    const keys = Object.keys(obj);
    if (keys.includes('value') && keys.every((k) => k === 'value' || k === 'name' || k === 'type')) {
      const attrs = keys.filter((k) => k !== 'value').map((k) => ` ${k}="${esc(String(obj[k]))}"`).join('');
      return `<${tag}${attrs}>${esc(String(obj.value))}</${tag}>`;
    }
    const attrs = keys.filter((k) => ATTRIBUTES.has(k)).map((k) => ` ${k}="${esc(String(obj[k]))}"`).join('');
    const inner = keys.filter((k) => !ATTRIBUTES.has(k)).map((k) => xml(k, obj[k])).join('');
    return `<${tag}${attrs}>${inner}</${tag}>`;
  }
  return `<${tag}>${esc(String(value ?? ''))}</${tag}>`;
}
