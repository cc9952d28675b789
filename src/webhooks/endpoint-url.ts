import { problem } from '../http/problem.js';
import { literalAddress, unsafeAddress } from './address-guard.js';

export const maxUrlLength = 2048;

/**
 * Checks a URL an owner registers. The real guard runs when the connection is made (a host name
 * can resolve anywhere later); this refuses early what can never be called: other schemes,
 * credentials in the URL (they would sit in our database and logs), and, with the safety on,
 * IP literals and localhost names outside the public internet. Returns the URL normalised.
 */
export function checkEndpointUrl(raw: string, allowPrivateNetworks: boolean): string {
  const refuse = (why: string) => problem('webhook_url_invalid', `The webhook URL ${why}.`);
  if (raw.length > maxUrlLength) throw refuse(`is longer than ${maxUrlLength} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('must be http or https');
  if (url.username !== '' || url.password !== '')
    throw refuse('must not carry a user name or password; authenticate with the signature');
  if (url.hostname === '') throw refuse('has no host');
  if (!allowPrivateNetworks) {
    const literal = literalAddress(url);
    const refusal = literal === undefined ? null : unsafeAddress(literal);
    if (refusal) throw refuse(`points at ${refusal.message}`);
    const host = url.hostname.toLowerCase().replace(/\.$/, '');
    if (host === 'localhost' || host.endsWith('.localhost')) throw refuse('points at this machine');
  }
  if (url.href.length > maxUrlLength) throw refuse(`is longer than ${maxUrlLength} characters once normalised`);
  return url.href;
}
