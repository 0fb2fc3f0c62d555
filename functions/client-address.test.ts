import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.js';
import { httpEvent } from './test-events.js';

const HEADER = 'cloudfront-viewer-address';

describe('clientAddress', () => {
  it('reads the viewer address the CDN sends, without its port, IPv4 or IPv6', () => {
    expect(clientAddress(httpEvent('POST /api/auth/login', { headers: { [HEADER]: '198.51.100.7:46532' } }), HEADER)).toBe('198.51.100.7');
    expect(clientAddress(httpEvent('POST /api/auth/login', { headers: { [HEADER]: '2001:DB8::1:46532' } }), HEADER)).toBe('2001:db8::1');
  });

  it('uses the connection address when no header is configured, or the header is missing or malformed', () => {
    const event = httpEvent('POST /api/auth/login', { headers: { [HEADER]: 'not an address:1' }, sourceIp: '192.0.2.5' });
    expect(clientAddress(event, undefined)).toBe('192.0.2.5');
    expect(clientAddress(event, HEADER)).toBe('192.0.2.5');
    expect(clientAddress(httpEvent('POST /api/auth/login', { sourceIp: '192.0.2.6' }), HEADER)).toBe('192.0.2.6');
  });
});
