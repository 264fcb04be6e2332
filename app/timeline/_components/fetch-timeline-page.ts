import type { TimelinePage } from "@/lib/deployments/timeline-deployment";

/** A page of GET /api/v1/deployments for the timeline's query string; a 4xx/5xx throws its message. */
export async function fetchTimelinePage(query: string, cursor: string | null, signal?: AbortSignal): Promise<TimelinePage> {
  const params = new URLSearchParams(query);
  if (cursor) params.set("cursor", cursor);
  const response = await fetch(`/api/v1/deployments?${params.toString()}`, { signal, headers: { accept: "application/json" } });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `the server answered ${response.status}`);
  }
  return (await response.json()) as TimelinePage;
}
