import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ForbiddenError, UnsupportedMediaTypeError } from '#shared/domain/errors.js';
import { routeFor } from '#shared/http/routes.js';
import { guardStateChange } from './guard.js';

const post = (headers: Record<string, string>): APIGatewayProxyEventV2 =>
  ({ headers: { host: 'onramp.example.com', ...headers }, requestContext: { http: { method: 'POST' } } }) as unknown as APIGatewayProxyEventV2;

describe('the same-origin JSON guard on the WooCommerce key callback', () => {
  it('is a webhook route in the route table: no session, the body proves itself', () => {
    expect(routeFor('POST /api/oauth/{provider}/callback')?.auth).toBe('webhook');
  });

  it('passes a store\u2019s server-to-server post: JSON with a charset, and no Origin or Sec-Fetch-Site (no browser sent it)', () => {
    expect(() => guardStateChange(post({ 'content-type': 'application/json;charset=UTF-8' }), {})).not.toThrow();
  });

  it('refuses what a cross-site page could make a browser send: a form post, or JSON from another origin', () => {
    expect(() => guardStateChange(post({ 'content-type': 'application/x-www-form-urlencoded' }), {})).toThrow(UnsupportedMediaTypeError);
    expect(() => guardStateChange(post({ 'content-type': 'text/plain' }), {})).toThrow(UnsupportedMediaTypeError);
    expect(() => guardStateChange(post({ 'content-type': 'application/json', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }), {})).toThrow(ForbiddenError);
  });
});
