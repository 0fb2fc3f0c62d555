import { describe, expect, it } from 'vitest';
import { clientNetwork } from './client-network.js';

describe('clientNetwork: the client an attempt limit counts', () => {
  it('counts an IPv4 address as itself', () => {
    expect(clientNetwork('192.0.2.10')).toBe('192.0.2.10');
    expect(clientNetwork('192.0.2.11')).toBe('192.0.2.11');
  });

  it('counts every IPv6 address of one /64 as the same client, however it is written', () => {
    const one = [
      '2001:db8:1234:5678::1',
      '2001:db8:1234:5678:ffff:ffff:ffff:ffff',
      '2001:0DB8:1234:5678:0000:0000:0000:0002',
      '2001:db8:1234:5678:a:b:c:d',
      '2001:db8:1234:5678::192.0.2.1',
    ];
    expect(new Set(one.map(clientNetwork))).toEqual(new Set(['2001:db8:1234:5678::/64']));
  });

  it('counts the next /64 as another client', () => {
    expect(clientNetwork('2001:db8:1234:5679::1')).toBe('2001:db8:1234:5679::/64');
    expect(clientNetwork('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientNetwork('::1')).toBe('0:0:0:0::/64');
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(clientNetwork('::ffff:192.0.2.10')).toBe('192.0.2.10');
  });

  it('leaves what is not an address as it is', () => {
    expect(clientNetwork('unknown')).toBe('unknown');
  });
});
