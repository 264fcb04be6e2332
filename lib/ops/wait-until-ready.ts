// Waits until a started Shiplog says it is ready (GET /api/ready: database answers, no migration
// pending), for launchers that start one as a child process: the e2e setup and `npm run bench`.
export async function waitUntilReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/api/ready`, { signal: AbortSignal.timeout(5_000) }).catch((error: unknown) => error as Error);
    if (!(response instanceof Error) && response.ok) return;
    last = response instanceof Error ? response.message : `${response.status} ${await response.text()}`;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url}/api/ready did not answer 200 within ${timeoutMs / 1000} s (last: ${last})`);
}
