import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/** Loopback names and addresses: only processes on this machine can reach them. */
export function isLoopbackHost(host: string): boolean {
  const h = stripBrackets(host).toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return /^::ffff:127\./.test(h);
}

/** 0.0.0.0 and :: listen on every interface, so the Host a client uses can be any of them. */
export function isWildcardHost(host: string): boolean {
  const h = stripBrackets(host);
  return h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0';
}

export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** `host:port` as it appears in a URL and in Host/Origin headers (IPv6 in brackets). */
export function formatAuthority(host: string, port: number): string {
  const h = stripBrackets(host);
  return `${isIP(h) === 6 ? `[${h}]` : h}:${port}`.toLowerCase();
}

/**
 * Every `host:port` under which a browser may legitimately reach this console. The Host header
 * and the Origin are checked against it: a DNS-rebinding page arrives with its own domain name
 * in Host (and in Origin), which is never in this set.
 */
export function allowedAuthorities(boundHost: string, port: number, listeningAddress: string): Set<string> {
  const set = new Set<string>([formatAuthority(boundHost, port), formatAuthority(listeningAddress, port)]);
  if (isLoopbackHost(boundHost)) {
    set.add(formatAuthority('localhost', port));
  }
  if (isWildcardHost(boundHost)) {
    // Bound to every interface: accept this machine's own addresses and name, nothing else.
    set.add(formatAuthority('localhost', port));
    set.add(formatAuthority(hostname(), port));
    for (const list of Object.values(networkInterfaces())) {
      for (const entry of list ?? []) {
        if (!entry.address.includes('%')) set.add(formatAuthority(entry.address, port));
      }
    }
  }
  return set;
}
