import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A webhook target that resolves to an address we must not call (loopback, private, metadata...). */
export class UnsafeAddressError extends Error {
  readonly code = 'EUNSAFEADDRESS';

  constructor(
    readonly address: string,
    readonly range: string,
  ) {
    super(`${address} is not a public address (${range})`);
    this.name = 'UnsafeAddressError';
  }
}

/**
 * IPv4-compatible IPv6 addresses (::/96, deprecated by RFC 4291): `[::127.0.0.1]` reaches this
 * machine on some systems, yet ipaddr.js calls `::7f00:1` ordinary unicast.
 */
const ipv4Compatible = ipaddr.parseCIDR('::/96');

/**
 * Why an address may not be called, or null when it may. ipaddr.js names every special range;
 * only 'unicast' (ordinary public addresses) passes, so a range we did not think of is refused.
 * IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
 */
export function unsafeAddress(address: string): UnsafeAddressError | null {
  const family = isIP(address);
  if (family === 0) return new UnsafeAddressError(address, 'not an IP address');
  // ipaddr.js reads `::127.0.0.1` as the IPv4-mapped `::ffff:127.0.0.1`; the URL parser writes it
  // as the address it is (`::7f00:1`), the one a socket would connect to.
  // A zone (`fe80::1%eth0`) names an interface, not part of the address.
  const canonical = family === 6 ? new URL(`http://[${address.split('%')[0]}]/`).hostname.slice(1, -1) : address;
  const parsed = ipaddr.parse(canonical);
  if (parsed.kind() === 'ipv6' && parsed.match(ipv4Compatible) && parsed.range() === 'unicast')
    return new UnsafeAddressError(address, 'ipv4Compatible');
  const range = ipaddr.process(canonical).range();
  return range === 'unicast' ? null : new UnsafeAddressError(address, range);
}

/** The URL's host when it is an IP literal (without IPv6 brackets), else undefined. */
export function literalAddress(url: URL): string | undefined {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) === 0 ? undefined : host;
}

/**
 * A socket `lookup` that resolves the name and refuses the connection when any of its addresses
 * is not public. It runs when the socket connects, on the very addresses it then uses, so a name
 * that resolved to a public address at registration and to 127.0.0.1 now (DNS rebinding) is caught.
 * Node skips `lookup` for IP literals: those are checked by the caller before connecting.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, options.all ? [] : '', undefined);
    for (const { address } of addresses) {
      const refusal = unsafeAddress(address);
      if (refusal) return callback(refusal, options.all ? [] : '', undefined);
    }
    const first = addresses[0];
    if (options.all) return callback(null, addresses);
    if (!first)
      return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', undefined);
    return callback(null, first.address, first.family);
  });
};
