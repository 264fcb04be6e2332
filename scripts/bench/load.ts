// Load helpers shared by every bench scenario: autocannon runs with exact percentiles, the
// baseline/Shiplog alternation the issue asks for (these machines are noisy), and a timer for
// calls that are not plain HTTP requests (a browser render, a webhook → timeline round trip).
import autocannon from "autocannon";

export type LoadRequest = { method?: string; path: string; headers?: Record<string, string>; body?: string };

export type LoadOptions = {
  /** Base URL, no trailing slash. */
  url: string;
  /** Cycled by autocannon over the run (use many distinct ones for variety). */
  requests: LoadRequest[];
  /** Concurrent users. */
  connections: number;
  durationSeconds: number;
  /** Requests/s over all connections, spread evenly over each second (see runLoad); omitted: flat out. */
  rate?: number;
};

export type LoadResult = {
  requests: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
  /** Completed requests per second. */
  throughput: number;
  /** Milliseconds, from every response (autocannon 'response' events), percentiles computed exactly. */
  latency: { p50: number; p95: number; p99: number; max: number };
  /** Mean body bytes as received (so compressed when the server compressed; chunk framing included). */
  bytesPerResponse: number;
};

type AutocannonMethod = NonNullable<autocannon.Request["method"]>;

/**
 * Runs autocannon against `url` and summarises every response. autocannon's own percentiles come
 * from an HDR histogram reported at fixed percentiles (p97.5, p99 …, no p95), so the latencies are
 * collected from its per-response events instead and ranked here.
 *
 * At a fixed rate, each user is an autocannon run of one connection at its share of the rate,
 * and the users start spread over the first second. autocannon limits a rate per second: with
 * one run of N connections at `overallRate`, every connection sends its whole quota at the top
 * of each second, so the second's requests arrive as one burst of N concurrent requests and wait
 * for each other, which is not the steady rate the latency targets are about (the SQL baselines
 * are paced evenly too, see sql-baseline.ts). Flat out, one run of N connections.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.requests.length === 0) throw new Error("runLoad needs at least one request");
  return driveLoad({
    ...options,
    // Each user starts at another place in the list, so the users do not ask the same thing at once.
    requestsFor: (user, users) => {
      const offset = Math.floor((user * options.requests.length) / users);
      return [...options.requests.slice(offset), ...options.requests.slice(0, offset)].map((request) => ({
        method: (request.method ?? "GET") as AutocannonMethod,
        path: request.path,
        ...(request.headers ? { headers: request.headers } : {}),
        ...(request.body === undefined ? {} : { body: request.body }),
      }));
    },
  });
}

export type LoadPlan = Omit<LoadOptions, "requests"> & {
  /** autocannon's request list for user `user` of `users` (flat out: one list for all, user 0 of 1). */
  requestsFor: (user: number, users: number) => autocannon.Request[];
};

/**
 * runLoad's pacing and summary for any autocannon request list (webhook-load.ts draws a fresh
 * delivery per send through setupRequest): at a fixed rate, one single-connection run per user at
 * its share, the users' starts spread over the first second; flat out, one run of all connections.
 */
export async function driveLoad(plan: LoadPlan): Promise<LoadResult> {
  const collected: Collected = { latencies: [], statusCounts: {}, ok2xx: 0, bodyBytes: 0, errors: 0, timeouts: 0, seconds: 0 };
  if (plan.rate === undefined) {
    await runAutocannon(plan.url, plan.requestsFor(0, 1), { connections: plan.connections, durationSeconds: plan.durationSeconds }, collected);
  } else {
    const rate = plan.rate;
    const users = Math.max(1, Math.min(plan.connections, Math.floor(rate)));
    const shares = Array.from({ length: users }, (_, user) => Math.floor(rate / users) + (user < rate % users ? 1 : 0));
    await Promise.all(
      shares.map(async (share, user) => {
        await new Promise((resolve) => setTimeout(resolve, Math.floor((user * 1000) / users)));
        await runAutocannon(plan.url, plan.requestsFor(user, users), { connections: 1, durationSeconds: plan.durationSeconds, connectionRate: share }, collected);
      }),
    );
  }

  const { latencies, ok2xx } = collected;
  const responses = latencies.length;
  latencies.sort((a, b) => a - b);
  return {
    requests: responses,
    ok2xx,
    non2xx: responses - ok2xx,
    errors: collected.errors,
    timeouts: collected.timeouts,
    statusCounts: collected.statusCounts,
    throughput: collected.seconds > 0 ? responses / collected.seconds : 0,
    latency: {
      p50: percentileOfSorted(latencies, 50),
      p95: percentileOfSorted(latencies, 95),
      p99: percentileOfSorted(latencies, 99),
      max: responses > 0 ? latencies[responses - 1]! : Number.NaN,
    },
    bytesPerResponse: responses > 0 ? collected.bodyBytes / responses : 0,
  };
}

type Collected = {
  latencies: number[];
  statusCounts: Record<string, number>;
  ok2xx: number;
  bodyBytes: number;
  errors: number;
  timeouts: number;
  /** The longest run's duration (runs of one load overlap). */
  seconds: number;
};

/** One autocannon run, its responses added to `into`. */
async function runAutocannon(
  url: string,
  requests: autocannon.Request[],
  run: { connections: number; durationSeconds: number; connectionRate?: number },
  into: Collected,
): Promise<void> {
  // autocannon reports bytes per response including the status line and headers; the header
  // size of each client's current response is subtracted to get the body as received.
  const headerBytes = new WeakMap<object, number>();
  let finish: (error: unknown, result: autocannon.Result) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result));
  });
  // Passing a callback makes autocannon return its event emitter instead of a promise.
  const instance = autocannon(
    {
      url,
      connections: run.connections,
      duration: run.durationSeconds,
      ...(run.connectionRate === undefined ? {} : { connectionRate: run.connectionRate }),
      requests,
      setupClient: (client) => {
        client.on("headers", (head: unknown) => headerBytes.set(client, measureHead(head)));
      },
    },
    (error, result) => finish(error, result),
  );
  instance.on("response", (client, statusCode, resBytes, responseTime) => {
    into.latencies.push(responseTime);
    const key = String(statusCode);
    into.statusCounts[key] = (into.statusCounts[key] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) into.ok2xx += 1;
    into.bodyBytes += Math.max(0, resBytes - (headerBytes.get(client) ?? 0));
  });
  const result = await finished;
  into.errors += result.errors;
  into.timeouts += result.timeouts;
  into.seconds = Math.max(into.seconds, result.duration);
}

/** Bytes of the status line and headers of a response, from autocannon's parsed head. */
function measureHead(head: unknown): number {
  const parsed = head as { headers?: unknown[]; statusCode?: number; statusMessage?: string };
  let bytes = `HTTP/1.1 ${parsed.statusCode ?? 200} ${parsed.statusMessage ?? ""}\r\n`.length + 2;
  const raw = Array.isArray(parsed.headers) ? parsed.headers : [];
  for (let index = 0; index + 1 < raw.length; index += 2) {
    bytes += Buffer.byteLength(`${String(raw[index])}: ${String(raw[index + 1])}\r\n`);
  }
  return bytes;
}

/**
 * Runs baseline, shiplog, baseline, shiplog … `rounds` times each, so that a noisy minute hurts
 * both sides alike; returns each side's results in order.
 */
export async function alternate<T>(
  rounds: number,
  sides: { baseline: () => Promise<T>; shiplog: () => Promise<T> },
): Promise<{ baseline: T[]; shiplog: T[] }> {
  const baseline: T[] = [];
  const shiplog: T[] = [];
  for (let round = 0; round < rounds; round += 1) {
    baseline.push(await sides.baseline());
    shiplog.push(await sides.shiplog());
  }
  return { baseline, shiplog };
}

/** Nearest-rank percentile, p in 0..100; NaN for no samples. */
export function percentile(samples: number[], p: number): number {
  return percentileOfSorted([...samples].sort((a, b) => a - b), p);
}

function percentileOfSorted(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)]!;
}

/**
 * Times `run` `calls` times (or for `seconds`) with `concurrency` workers; returns the per-call
 * milliseconds. A call that throws stops the timing and the error reaches the caller.
 */
export async function timeCalls(
  run: () => Promise<unknown>,
  options: { calls?: number; seconds?: number; concurrency: number },
): Promise<number[]> {
  if (options.calls === undefined && options.seconds === undefined) {
    throw new Error("timeCalls needs calls or seconds");
  }
  const samples: number[] = [];
  const deadline = options.seconds === undefined ? Infinity : performance.now() + options.seconds * 1000;
  let started = 0;
  const more = () => (options.calls === undefined || started < options.calls) && performance.now() < deadline;

  const worker = async () => {
    while (more()) {
      started += 1;
      const begin = performance.now();
      await run();
      samples.push(performance.now() - begin);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return samples;
}
