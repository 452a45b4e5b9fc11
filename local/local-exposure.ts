import type * as http from 'node:http';
import { classifyIpAddress, isHostnameLocal } from '../lambdas/domain/webhook-target-policy';

// Who may reach the one-machine server. By default only this machine: a browser page on another
// site can still send requests to 127.0.0.1, and through DNS rebinding (a name of its own that
// it re-points at 127.0.0.1) even read the answers, so the `Host` a request names must be loopback too.

/** Whether a host name or address (brackets tolerated) names this machine. */
export function namesLoopback(host: string): boolean {
  const name = host.replace(/^\[(.*)\]$/, '$1');
  if (isHostnameLocal(name)) return true;
  try {
    return classifyIpAddress(name) === 'loopback';
  } catch {
    return false; // A name, not an address.
  }
}

/** The host name of a `Host` header (`127.0.0.1:3000`, `[::1]:3000`, `localhost`), lower case; undefined if malformed. */
export function hostOfHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try {
    const url = new URL(`http://${header}`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
    return url.hostname.replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

export interface ExposureSettings {
  /** The address the server listens on (`HOST`). */
  readonly bindAddress: string;
  /** Host names besides loopback ones that clients may use (`TUO_ALLOWED_HOSTS`). */
  readonly allowedHosts: readonly string[];
}

/** Listening beyond loopback is a deliberate choice: it needs the names clients will use. */
export function checkBindAddress({ bindAddress, allowedHosts }: ExposureSettings): void {
  if (namesLoopback(bindAddress) || allowedHosts.length > 0) return;
  throw new Error(
    `HOST=${bindAddress} would listen beyond this machine. Set TUO_ALLOWED_HOSTS to the host names clients will use (comma separated) to allow it.`,
  );
}

/** Parses `TUO_ALLOWED_HOSTS`: comma separated host names or addresses. */
export function parseAllowedHosts(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((h) => hostOfHeader(h.trim()))
    .filter((h): h is string => h !== undefined);
}

/** Whether the server answers a request naming this `Host` (against DNS rebinding). */
export function answersHost(hostHeader: string | undefined, allowedHosts: readonly string[]): boolean {
  const host = hostOfHeader(hostHeader);
  return host !== undefined && (namesLoopback(host) || allowedHosts.includes(host));
}

/** Whether a request came from this machine, to this machine by a loopback name (e.g. for `/dev/token`). */
export function isFromThisMachine(req: http.IncomingMessage): boolean {
  const host = hostOfHeader(req.headers.host);
  return namesLoopback(req.socket.remoteAddress ?? '') && host !== undefined && namesLoopback(host);
}
