/**
 * The network a client address stands for, in attempt limits. An IPv4
 * address is itself. An IPv6 subscriber usually holds a whole /64 (and picks
 * new addresses in it at will), so an IPv6 address counts as its /64; an
 * IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is its IPv4 address.
 * Anything else (not an address) is returned as it is.
 */
import { isIPv4, isIPv6 } from 'node:net';

export function clientNetwork(address: string): string {
  const a = address.trim().toLowerCase();
  if (isIPv4(a)) return a;
  if (!isIPv6(a)) return a;
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a.replace(/^::/, '0::'));
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  return `${expand(a).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, each without leading zeros (an embedded IPv4 tail becomes two groups). */
function expand(address: string): string[] {
  let text = address.replace(/%.*$/, '');
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => parseInt(g, 16).toString(16));
}
