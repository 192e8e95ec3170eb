/**
 * TLS for every transport: the client's connect options from an instance's
 * settings (undici `connect`, node:tls, pg's `ssl` all take the same
 * fields), the emulators' server options, and the words for a failed
 * handshake. Verification is never turned off: `rejectUnauthorized` is
 * always true and there is no setting to change it.
 */
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import type { TlsSettings } from './adapterConfig.ts';

/** Client-side options: the CA bundle, the client certificate and key (mutual TLS), the expected server name. */
export function tlsClientOptions(tls: TlsSettings | undefined): ConnectionOptions {
  return {
    rejectUnauthorized: true,
    ...(tls?.ca !== undefined && { ca: tls.ca }),
    ...(tls?.cert !== undefined && { cert: tls.cert }),
    ...(tls?.key !== undefined && { key: tls.key }),
    ...(tls?.serverName !== undefined && { servername: tls.serverName }),
  };
}

/** An emulator's TLS: its certificate and key, and with `ca` a client certificate from that CA is required. */
export interface EmulatorTls {
  readonly cert: string;
  readonly key: string;
  /** When given, every client must present a certificate this CA issued (mutual TLS). */
  readonly ca?: string;
}

/** Server-side options for an emulator. */
export function tlsServerOptions(tls: EmulatorTls): TlsOptions {
  return {
    cert: tls.cert,
    key: tls.key,
    ...(tls.ca !== undefined && { ca: tls.ca, requestCert: true, rejectUnauthorized: true }),
  };
}

/** OpenSSL and Node codes of a failed handshake or certificate check. */
const TLS_CODE = /CERT|SSL|TLS|SIGNATURE|ISSUER|HOSTNAME|ALTNAME|EPROTO/;

/** The network or TLS error code in an error or its causes. */
export function errorCodeOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * "the TLS handshake failed (CODE)" when the error is a TLS one (unknown CA,
 * wrong host name, a client certificate refused), else undefined.
 */
export function tlsFailureReason(err: unknown): string | undefined {
  const code = errorCodeOf(err);
  return code !== undefined && TLS_CODE.test(code) ? `the TLS handshake failed (${code})` : undefined;
}
