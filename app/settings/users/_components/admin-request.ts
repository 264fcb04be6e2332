// The admin pages' state-changing calls: JSON in, the API's error message out as an Error, so
// forms can show it in plain words. Same-origin fetch, so the browser sends Shiplog's Origin.
export async function adminRequest<Answer>(url: string, method: "POST" | "DELETE", body?: unknown): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const answer = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(answer?.error?.message ?? `Shiplog answered ${response.status}`);
  }
  return (response.status === 204 ? null : await response.json()) as Answer;
}
