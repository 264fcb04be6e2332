/** The service name from the route's segment. Next hands over some escapes still encoded; a malformed escape is kept as typed (it then names no service). */
export function decodeSegment(segment: string): string {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
