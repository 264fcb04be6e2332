// A small client for the Argo CD REST API (shapes in tests/fixtures/argocd/swagger.json):
// listing applications for the reconciliation poller, and later reading, rolling back and
// syncing one. Every call has a time limit; errors carry Argo CD's own message.
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import chain from "stream-chain";
import { parser } from "stream-json";
import { pick } from "stream-json/filters/pick.js";
import { streamValues } from "stream-json/streamers/stream-values.js";
import { z } from "zod";
import { webUrl } from "../links/web-url";

export const argoInstanceSchema = z.object({
  /** The name Shiplog files this instance's applications under (notifications send it as `instance`). */
  name: z.string().min(1),
  /** Its API and web UI (links to applications are built on it): http(s) only. */
  url: webUrl,
  /** An Argo CD API token (a project role or a local account with applications get, sync, …). */
  token: z.string().min(1),
});
export type ArgoInstance = z.infer<typeof argoInstanceSchema>;

/** Argo CD answered with an error (runtimeError: {code, error, message}) or not at all. */
export class ArgoCdError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ArgoCdError";
  }
}

const runtimeError = z.object({ message: z.string().optional(), error: z.string().optional(), code: z.number().optional() }).passthrough();

/**
 * What reconciliation reads of an Application (lib/argocd/parse-application.ts, the delivery id):
 * asked for with Argo CD's `fields` list parameter, so the answer leaves out status.resources,
 * managed fields and the rest.
 */
export const APPLICATION_FIELDS = [
  "items.metadata.name", "items.metadata.namespace", "items.metadata.uid", "items.metadata.labels", "items.metadata.annotations",
  "items.metadata.ownerReferences", "items.metadata.creationTimestamp", "items.metadata.deletionTimestamp",
  "items.spec.project", "items.spec.source", "items.spec.sources", "items.spec.destination", "items.spec.syncPolicy",
  "items.status.reconciledAt", "items.status.sync", "items.status.health", "items.status.summary", "items.status.operationState",
  "items.status.history",
];

class TimeoutError extends Error {
  override name = "TimeoutError";
}

/** A list of 100,000 applications takes far longer than one request: its limit is this many request limits. */
const LIST_TIMEOUT_FACTOR = 10;

export type ListOptions = { selector?: string; projects?: string[]; appNamespace?: string };

export class ArgoCdClient {
  constructor(
    readonly instance: ArgoInstance,
    private readonly timeoutMs = 30_000,
  ) {}

  /**
   * GET /api/v1/applications?fields=…: every application the token may see, one at a time as the
   * answer streams in, with only the fields reconciliation reads (APPLICATION_FIELDS). Argo CD's
   * full list (status.resources, managed fields) passes 100 MB at a few thousand applications;
   * parsed item by item, memory stays that of one application however long the list
   * (stream-json), and the listing may take longer than one request's time limit.
   */
  async *eachApplication(options: ListOptions = {}): AsyncGenerator<Record<string, unknown>> {
    const query = new URLSearchParams({ fields: APPLICATION_FIELDS.join(",") });
    if (options.selector) query.set("selector", options.selector);
    if (options.appNamespace) query.set("appNamespace", options.appNamespace);
    for (const project of options.projects ?? []) query.append("projects", project);
    const response = await this.send("GET", `/api/v1/applications?${query}`, undefined, {
      answerMs: this.timeoutMs,
      bodyMs: this.timeoutMs * LIST_TIMEOUT_FACTOR,
    });
    if (!response.ok || !response.body) {
      await this.readAnswer("GET", response);
      return;
    }
    // Each element of `items`, assembled alone; `"items": null` (Go's empty list) yields none.
    const items = chain([Readable.fromWeb(response.body as NodeReadableStream), parser(), pick({ filter: /^items\.\d+$/ }), streamValues()]);
    try {
      for await (const { value } of items as AsyncIterable<{ value: unknown }>) {
        if (typeof value === "object" && value !== null && !Array.isArray(value)) yield value as Record<string, unknown>;
      }
    } catch (error) {
      const timeout = [error, (error as Error).cause].find((candidate) => candidate instanceof TimeoutError);
      const reason = ((timeout ?? error) as Error).message;
      throw new ArgoCdError(`Argo CD ${this.instance.name} (${this.instance.url}) sent an application list Shiplog could not read: ${reason}`, response.status, { cause: error });
    } finally {
      items.destroy();
    }
  }

  /** GET /api/v1/applications/{name}. */
  async getApplication(name: string, appNamespace?: string): Promise<Record<string, unknown>> {
    const query = appNamespace ? `?${new URLSearchParams({ appNamespace })}` : "";
    return z.record(z.string(), z.unknown()).parse(await this.request("GET", `/api/v1/applications/${encodeURIComponent(name)}${query}`));
  }

  /**
   * POST /api/v1/applications/{name}/rollback (ApplicationRollbackRequest): syncs the application
   * to the sources of its history entry `id`. With dryRun nothing is applied. Argo CD refuses it
   * while auto-sync is on ("rollback cannot be initiated when auto-sync is enabled").
   */
  async rollback(
    name: string,
    request: { id: number; dryRun?: boolean; prune?: boolean; appNamespace?: string; project?: string },
  ): Promise<Record<string, unknown>> {
    const body = { name, id: request.id, dryRun: request.dryRun ?? false, prune: request.prune ?? false, appNamespace: request.appNamespace, project: request.project };
    return z.record(z.string(), z.unknown()).parse(await this.request("POST", `/api/v1/applications/${encodeURIComponent(name)}/rollback`, body));
  }

  /**
   * POST /api/v1/applications/{name}/sync (ApplicationSyncRequest) to one revision of its source.
   * With dryRun nothing is applied. Argo CD refuses a revision other than the one auto-sync
   * follows ("Cannot sync to …: auto-sync currently set to …").
   */
  async sync(
    name: string,
    request: { revision: string; dryRun?: boolean; prune?: boolean; appNamespace?: string; project?: string },
  ): Promise<Record<string, unknown>> {
    const body = { name, revision: request.revision, dryRun: request.dryRun ?? false, prune: request.prune ?? false, appNamespace: request.appNamespace, project: request.project };
    return z.record(z.string(), z.unknown()).parse(await this.request("POST", `/api/v1/applications/${encodeURIComponent(name)}/sync`, body));
  }

  private async request(method: string, path: string, payload?: unknown): Promise<unknown> {
    return this.readAnswer(method, await this.send(method, path, payload, { answerMs: this.timeoutMs, bodyMs: this.timeoutMs }));
  }

  /**
   * The request's answer, once its headers are in: Argo CD has `answerMs` to start answering, then
   * `bodyMs` to send the body (a long application list streams for much longer than it takes to
   * start).
   */
  private async send(method: string, path: string, payload: unknown, limits: { answerMs: number; bodyMs: number }): Promise<Response> {
    const url = new URL(path, this.instance.url);
    const controller = new AbortController();
    let timer = setTimeout(() => controller.abort(new TimeoutError(`no answer within ${limits.answerMs} ms`)), limits.answerMs);
    try {
      const response = await fetch(url, {
        method,
        headers: { Authorization: `Bearer ${this.instance.token}`, Accept: "application/json", ...(payload ? { "Content-Type": "application/json" } : {}) },
        body: payload ? JSON.stringify(payload) : undefined,
        signal: controller.signal,
      });
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new TimeoutError(`the answer did not finish within ${limits.bodyMs} ms`)), limits.bodyMs);
      timer.unref();
      return response;
    } catch (error) {
      clearTimeout(timer);
      const reason = controller.signal.aborted ? (controller.signal.reason as Error).message : (error as Error).message;
      throw new ArgoCdError(`Argo CD ${this.instance.name} (${this.instance.url}) could not be reached: ${reason}`, null, { cause: error });
    }
  }

  /** The answer's JSON; an ArgoCdError with Argo CD's own message when it is not a success. */
  private async readAnswer(method: string, response: Response): Promise<unknown> {
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch (error) {
      throw new ArgoCdError(`Argo CD ${this.instance.name} answered ${response.status} with a body that is not JSON`, response.status, { cause: error });
    }
    if (!response.ok) {
      const detail = runtimeError.safeParse(body);
      const message = detail.success ? (detail.data.message ?? detail.data.error) : undefined;
      throw new ArgoCdError(
        `Argo CD ${this.instance.name} refused ${method} ${new URL(response.url || this.instance.url).pathname} (${response.status}): ${message ?? response.statusText}`,
        response.status,
      );
    }
    return body;
  }
}
