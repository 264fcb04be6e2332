// Who sent a request, for per-address limits (sign-in throttling). Next 16 does not hand route
// handlers the socket's address: its server only fills in X-Forwarded-For when the request has
// none, so a client that sends its own header chooses its address. recordPeerAddresses() (run
// once per server process from instrumentation.ts) stamps every incoming request with the
// socket's address in PEER_ADDRESS_HEADER, overwriting whatever the client put there, through
// Node's documented `http.server.request.start` diagnostics channel. X-Forwarded-For is then
// believed only when that peer is one of SHIPLOG_TRUSTED_PROXIES, and only up to the first hop
// that is not: what an untrusted sender wrote further left is its own word.
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";

/** Set by this process's HTTP server from the socket; never taken from the client. */
export const PEER_ADDRESS_HEADER = "x-shiplog-peer-address";

const RECORDING = Symbol.for("shiplog.recordingPeerAddresses");
const flags = globalThis as unknown as { [RECORDING]?: boolean };

/** Makes this process's HTTP server stamp each request with its socket's address. Idempotent. */
export function recordPeerAddresses(): void {
  if (flags[RECORDING]) return;
  subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: { remoteAddress?: string } };
    // Overwrites a client's own header of that name; an empty value when the socket is gone.
    request.headers[PEER_ADDRESS_HEADER] = socket.remoteAddress ?? "";
  });
  flags[RECORDING] = true;
}

/** The socket's address, when this process records it; null otherwise (in-process tests, scripts). */
export function peerAddress(headers: Pick<Headers, "get">): string | null {
  if (!flags[RECORDING]) return null;
  return normalizeAddress(headers.get(PEER_ADDRESS_HEADER) ?? "");
}

/** A BlockList of trusted proxies (addresses or CIDR ranges, validated by lib/env.ts). */
export function trustedProxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/**
 * The client's address: the peer itself unless it is a trusted proxy; then X-Forwarded-For read
 * from the right, skipping trusted proxies, up to the first address that is not one. Null when
 * the peer is unknown. A chain that is trusted all the way down gives its leftmost address.
 */
export function resolveClientAddress(peer: string | null, forwardedFor: string | null, trusted: BlockList): string | null {
  if (peer === null) return null;
  if (!isTrusted(peer, trusted)) return peer;
  const hops = (forwardedFor ?? "").split(",").map((hop) => normalizeAddress(hop.trim()));
  let client = peer;
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    const hop = hops[index];
    // A hop that is not an address means the chain cannot be read further: stop at what is known.
    if (hop === null || hop === undefined) return client;
    client = hop;
    if (!isTrusted(hop, trusted)) return hop;
  }
  return client;
}

/** The client's address of a request as this server received it (see resolveClientAddress). */
export function clientAddress(headers: Pick<Headers, "get">, trustedProxies: readonly string[]): string | null {
  return resolveClientAddress(peerAddress(headers), headers.get("x-forwarded-for"), trustedProxyList(trustedProxies));
}

function isTrusted(address: string, trusted: BlockList): boolean {
  return trusted.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

/** An IP address as one spelling (IPv4-mapped IPv6 as IPv4), or null when it is not one. */
export function normalizeAddress(value: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value);
  const address = mapped?.[1] ?? value;
  const version = isIP(address);
  if (version === 0) return null;
  return version === 6 ? address.toLowerCase() : address;
}
