// The key a client address is counted under: an IPv4 address as itself, an IPv6 address by its
// /64 prefix. A single IPv6 host usually holds a whole /64 (SLAAC, privacy addresses), so
// counting each address alone would let one machine rotate through 2^64 fresh budgets.
import ipaddr from "ipaddr.js";

export function addressRateLimitKey(address: string): string {
  const parsed = ipaddr.process(address);
  if (parsed.kind() === "ipv4") return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}
