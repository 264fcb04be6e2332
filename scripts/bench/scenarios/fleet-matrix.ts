// Fleet matrix API: GET /api/v1/fleet/matrix for the views people scroll through (no grouping,
// by team, environment, cluster and region, a search, only degraded) at the fleet page's window
// size, deeper windows included, by 10 users at a fixed rate, against the same SQL run directly.
import { request } from "node:http";
import { FLEET_ROW_INDEX_MAX_AGE_MS, listFleetMatrix } from "../../../lib/fleet/list-fleet-matrix";
import type { FleetMatrixOptions } from "../../../lib/fleet/fleet-matrix-query";
import { compareWithSql, describeFailures, median, shiplogHeaders, webCpuRow, type ReadCase } from "../sql-baseline";
import type { BenchContext, Measurement, Scenario } from "../scenario";

const USERS = 10;
/** Requests/s over the 10 users: each scrolls a window every ~half second. */
const RATE = 20;
/** The fleet page fetches windows of 30 rows (app/(fleet)/page.tsx MATRIX_PAGE_SIZE). */
const PAGE_WINDOW = 30;
/** Windows deep into a view, as a user scrolling the matrix fetches them. */
const SCROLL_DEPTHS = [1, 2, 5, 10, 30, 100];
const KiB = 1024;

export const scenario: Scenario = {
  id: "fleet-matrix",
  title: "Fleet matrix API",
  run: async (context) => {
    const views = await chooseViews(context);
    const cases: ReadCase[] = views.map((options) => ({
      path: matrixPath(options),
      // The route handler's call: the view's row index reused between requests, as in Shiplog.
      call: (db) => listFleetMatrix(options, db, { rowIndexMaxAgeMs: FLEET_ROW_INDEX_MAX_AGE_MS }),
      warmUp: true,
    }));
    context.log(`fleet-matrix: ${cases.length} distinct windows over ${new Set(views.map((view) => `${view.group}|${view.q ?? ""}|${view.only ?? ""}`)).size} views`);
    const { baseline, shiplog } = await compareWithSql(context, cases, { rate: RATE, connections: USERS });
    const payload = await largestPayload(context, views);
    const failures = describeFailures(shiplog);
    const sqlNote =
      "Baseline: the statements listFleetMatrix issues for each window once its view's row index is cached (as in Shiplog between rebuilds every " +
      `${FLEET_ROW_INDEX_MAX_AGE_MS / 1000} s), captured from one call and replayed through pg at the same rate and users; no auth, no JSON.`;
    return [
      {
        scenario: "fleet matrix API",
        metric: `p95 at ${USERS} users, ${RATE} req/s`,
        unit: "ms",
        baseline: median(baseline.map((round) => round.latency.p95)),
        shiplog: median(shiplog.map((round) => round.latency.p95)),
        target: { op: "<=", value: 150, of: "shiplog" },
        note: `${cases.length} windows of ${PAGE_WINDOW} rows cycled (no grouping, by team, environment, cluster, region, a search, only degraded; scrolled up to ${Math.max(...SCROLL_DEPTHS)} windows deep); median of ${shiplog.length} rounds. ${sqlNote}${failures}`,
      },
      {
        scenario: "fleet matrix API",
        metric: `p50 at ${USERS} users, ${RATE} req/s`,
        unit: "ms",
        baseline: median(baseline.map((round) => round.latency.p50)),
        shiplog: median(shiplog.map((round) => round.latency.p50)),
        target: null,
      },
      webCpuRow("fleet matrix API", shiplog, "the windows above"),
      {
        scenario: "fleet matrix API",
        metric: "payload, largest window compressed",
        unit: "KiB",
        baseline: null,
        shiplog: payload.bytes / KiB,
        target: { op: "<=", value: 100, of: "shiplog" },
        note: `Bytes on the wire with Accept-Encoding: gzip, br (${payload.encoding || "not compressed"}), largest over the views at the API's default window of 100 rows: ${payload.path}. Mean under load at ${PAGE_WINDOW} rows: ${(median(shiplog.map((round) => round.bytesPerResponse)) / KiB).toFixed(1)} KiB.`,
      },
    ] satisfies Measurement[];
  },
};

/** The views, each at several scroll depths that exist in this fleet. */
async function chooseViews(context: BenchContext): Promise<FleetMatrixOptions[]> {
  const [{ rows: services }, { rows: words }] = await Promise.all([
    context.pool.query<{ count: number }>(`SELECT count(*)::int AS count FROM services`),
    // A search matching a good share of the names, as typing part of a word does.
    context.pool.query<{ word: string }>(
      `SELECT w AS word FROM services, unnest(string_to_array(name, '-')) AS w WHERE length(w) >= 4 GROUP BY w ORDER BY count(*) DESC, w LIMIT 1`,
    ),
  ]);
  const serviceCount = services[0]?.count ?? 0;
  const windows = (extra: Omit<FleetMatrixOptions, "offset" | "limit">, rows: number, depths: number[]) =>
    [0, ...depths]
      .map((depth) => depth * PAGE_WINDOW)
      .filter((offset) => offset === 0 || offset < rows)
      .map((offset): FleetMatrixOptions => ({ ...extra, offset, limit: PAGE_WINDOW }));
  const word = words[0]?.word;
  return [
    ...windows({ group: "none" }, serviceCount, SCROLL_DEPTHS),
    ...windows({ group: "team" }, serviceCount, SCROLL_DEPTHS),
    // Grouped by where applications run, a service has a row per environment, cluster or region.
    ...windows({ group: "environment" }, serviceCount * 3, SCROLL_DEPTHS),
    ...windows({ group: "cluster" }, serviceCount * 3, SCROLL_DEPTHS),
    ...windows({ group: "region" }, serviceCount * 2, SCROLL_DEPTHS),
    ...(word ? windows({ group: "none", q: word.slice(0, 5) }, serviceCount / 10, [1]) : []),
    ...windows({ group: "none", only: "degraded" }, serviceCount / 20, [1]),
  ];
}

function matrixPath(options: FleetMatrixOptions): string {
  const params = new URLSearchParams({ group: options.group, offset: String(options.offset), limit: String(options.limit) });
  if (options.q) params.set("q", options.q);
  if (options.only) params.set("only", options.only);
  return `/api/v1/fleet/matrix?${params}`;
}

/** The largest first window of any view at the API's default limit, as bytes received. */
async function largestPayload(context: BenchContext, views: FleetMatrixOptions[]): Promise<{ path: string; bytes: number; encoding: string }> {
  const paths = [...new Set(views.map((view) => matrixPath({ ...view, limit: 100 })))];
  let largest = { path: "", bytes: 0, encoding: "" };
  for (const path of paths) {
    const answer = await receivedBytes(context, path);
    if (answer.bytes > largest.bytes) largest = { path, ...answer };
  }
  return largest;
}

/** Body bytes as they came over the socket (not decompressed), and the Content-Encoding. */
function receivedBytes(context: BenchContext, path: string): Promise<{ bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${context.shiplogUrl}${path}`, { headers: shiplogHeaders(context) }, (response) => {
      let bytes = 0;
      response.on("data", (chunk: Buffer) => (bytes += chunk.length));
      response.on("end", () =>
        response.statusCode === 200 ? resolve({ bytes, encoding: String(response.headers["content-encoding"] ?? "") }) : reject(new Error(`GET ${path} answered ${response.statusCode}`)),
      );
      response.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}
