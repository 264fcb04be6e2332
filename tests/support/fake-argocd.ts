// A local stand-in for the Argo CD API server, answering in the shapes of
// tests/fixtures/argocd/swagger.json (v1alpha1ApplicationList, v1alpha1Application,
// runtimeError). Tests put Application objects in `applications` and read `requests`.
import { createServer, type Server } from "node:http";

export type FakeArgoCd = {
  url: string;
  token: string;
  applications: Map<string, Record<string, unknown>>;
  requests: { method: string; path: string; authorization: string | undefined; body: unknown }[];
  /** Make the next answers fail with this status and message (runtimeError), or hang. */
  failWith: { status: number; message: string } | "hang" | undefined;
  /** Rollbacks asked for (POST /api/v1/applications/{name}/rollback), dry runs included. */
  rollbacks: { name: string; id: number; dryRun: boolean; prune: boolean; appNamespace: string | undefined }[];
  /** Called after a real (not dry-run) rollback was accepted, e.g. to send the notifications that follow. */
  onRollback: ((name: string, id: number) => void) | undefined;
  /** Syncs asked for (POST /api/v1/applications/{name}/sync), dry runs included. */
  syncs: { name: string; revision: string; dryRun: boolean; appNamespace: string | undefined }[];
  /** Called after a real (not dry-run) sync was accepted. */
  onSync: ((name: string, revision: string) => void) | undefined;
  close: () => Promise<void>;
};

export async function startFakeArgoCd(token = "fake-argocd-token"): Promise<FakeArgoCd> {
  const fake: Omit<FakeArgoCd, "url" | "close"> = { token, applications: new Map(), requests: [], failWith: undefined, rollbacks: [], onRollback: undefined, syncs: [], onSync: undefined };
  const runtimeError = (status: number, message: string, code: number) => JSON.stringify({ error: message, code, message });
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const url = new URL(request.url ?? "/", "http://fake");
    fake.requests.push({ method: request.method ?? "GET", path: url.pathname + url.search, authorization: request.headers.authorization, body: text ? JSON.parse(text) : undefined });
    const send = (status: number, body: string) => {
      response.writeHead(status, { "Content-Type": "application/json" });
      response.end(body);
    };
    if (fake.failWith === "hang") return; // never answers
    if (request.headers.authorization !== `Bearer ${fake.token}`) {
      return send(401, runtimeError(401, "invalid session: token signature is invalid", 16));
    }
    if (fake.failWith) return send(fake.failWith.status, runtimeError(fake.failWith.status, fake.failWith.message, 2));
    if (request.method === "GET" && url.pathname === "/api/v1/applications") {
      const selector = url.searchParams.get("selector");
      const fields = url.searchParams.get("fields");
      const items = [...fake.applications.values()].filter((app) => matchesSelector(app, selector)).map((app) => withFields(app, fields));
      // An empty list as Go renders a nil slice: `"items": null`.
      return send(200, JSON.stringify({ metadata: { resourceVersion: "12345" }, items: items.length > 0 ? items : null }));
    }
    const single = /^\/api\/v1\/applications\/([^/]+)$/.exec(url.pathname);
    if (request.method === "GET" && single) {
      const app = fake.applications.get(decodeURIComponent(single[1]!));
      return app ? send(200, JSON.stringify(app)) : send(404, runtimeError(404, `applications.argoproj.io "${single[1]}" not found`, 5));
    }
    // ApplicationService_Rollback: the checks Argo CD's server makes, in its order and words.
    const rollback = /^\/api\/v1\/applications\/([^/]+)\/rollback$/.exec(url.pathname);
    if (request.method === "POST" && rollback) {
      const name = decodeURIComponent(rollback[1]!);
      const body = (text ? JSON.parse(text) : {}) as { id?: number | string; dryRun?: boolean; prune?: boolean; appNamespace?: string };
      const app = fake.applications.get(name);
      if (!app) return send(404, runtimeError(404, `applications.argoproj.io "${name}" not found`, 5));
      const spec = app.spec as { syncPolicy?: { automated?: unknown } } | undefined;
      if (spec?.syncPolicy?.automated) return send(400, runtimeError(400, "rollback cannot be initiated when auto-sync is enabled", 9));
      const id = Number(body.id);
      const history = ((app.status as { history?: { id: number }[] } | undefined)?.history ?? []).map((entry) => Number(entry.id));
      if (!history.includes(id)) return send(400, runtimeError(400, `application ${name} does not have deployment with id ${body.id}`, 3));
      fake.rollbacks.push({ name, id, dryRun: body.dryRun === true, prune: body.prune === true, appNamespace: body.appNamespace });
      if (body.dryRun !== true) fake.onRollback?.(name, id);
      return send(200, JSON.stringify(app));
    }
    // ApplicationService_Sync to a revision: refused while auto-sync follows another revision.
    const sync = /^\/api\/v1\/applications\/([^/]+)\/sync$/.exec(url.pathname);
    if (request.method === "POST" && sync) {
      const name = decodeURIComponent(sync[1]!);
      const body = (text ? JSON.parse(text) : {}) as { revision?: string; dryRun?: boolean; appNamespace?: string };
      const app = fake.applications.get(name);
      if (!app) return send(404, runtimeError(404, `applications.argoproj.io "${name}" not found`, 5));
      const spec = app.spec as { syncPolicy?: { automated?: unknown }; source?: { targetRevision?: string } } | undefined;
      if (spec?.syncPolicy?.automated && body.revision && body.revision !== (spec.source?.targetRevision ?? "HEAD")) {
        return send(400, runtimeError(400, `Cannot sync to ${body.revision}: auto-sync currently set to ${spec.source?.targetRevision ?? "HEAD"}`, 9));
      }
      fake.syncs.push({ name, revision: body.revision ?? "", dryRun: body.dryRun === true, appNamespace: body.appNamespace });
      if (body.dryRun !== true) fake.onSync?.(name, body.revision ?? "");
      return send(200, JSON.stringify(app));
    }
    return send(404, runtimeError(404, "Not Found", 5));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    ...fake,
    get failWith() {
      return fake.failWith;
    },
    set failWith(value) {
      fake.failWith = value;
    },
    get onRollback() {
      return fake.onRollback;
    },
    set onRollback(value) {
      fake.onRollback = value;
    },
    get onSync() {
      return fake.onSync;
    },
    set onSync(value) {
      fake.onSync = value;
    },
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function matchesSelector(app: Record<string, unknown>, selector: string | null): boolean {
  if (!selector) return true;
  const labels = ((app.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {}) as Record<string, string>;
  return selector.split(",").every((term) => {
    const [key, value] = term.split("=");
    return labels[key!.trim()] === value?.trim();
  });
}

/**
 * Argo CD's `fields` list parameter: "items.metadata.name,items.spec,…" keeps only those paths
 * of each item (server-side, before the answer is sent). No parameter: the whole item.
 */
function withFields(app: Record<string, unknown>, fields: string | null): Record<string, unknown> {
  if (!fields) return app;
  const kept: Record<string, unknown> = {};
  for (const field of fields.split(",")) {
    const path = field.trim().replace(/^items\./, "").split(".");
    let source: unknown = app;
    for (const key of path) source = typeof source === "object" && source !== null ? (source as Record<string, unknown>)[key] : undefined;
    if (source === undefined) continue;
    let target = kept;
    for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[path.at(-1)!] = structuredClone(source);
  }
  return kept;
}
