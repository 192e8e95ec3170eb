/**
 * HTTP Basic authentication (RFC 7617) for the plain-HTTP products (Effica,
 * Mediatri) when their deployment puts them behind an authenticating
 * proxy; sent only over https (checked in adapterConfig.ts).
 */
import type { Credentials } from './adapterConfig.ts';

/** The `Authorization` header value for these credentials. */
export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}
