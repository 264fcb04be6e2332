// A small client for the Argo CD REST API (shapes in ../shared/fixtures/argocd/swagger.json):
// listing applications for the reconciliation poller, and later reading, rolling back and
// syncing one. Every call has a time limit; errors carry Argo CD's own message.
import { z } from "zod";

export const argoInstanceSchema = z.object({
  /** The name Shiplog files this instance's applications under (notifications send it as `instance`). */
  name: z.string().min(1),
  url: z.string().url(),
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
const applicationList = z.object({ items: z.array(z.record(z.string(), z.unknown())).nullable().optional() }).passthrough();

export type ListOptions = { selector?: string; projects?: string[]; appNamespace?: string };

export class ArgoCdClient {
  constructor(
    readonly instance: ArgoInstance,
    private readonly timeoutMs = 30_000,
  ) {}

  /** GET /api/v1/applications: every application the token may see, as Argo CD renders them. */
  async listApplications(options: ListOptions = {}): Promise<Record<string, unknown>[]> {
    const query = new URLSearchParams();
    if (options.selector) query.set("selector", options.selector);
    if (options.appNamespace) query.set("appNamespace", options.appNamespace);
    for (const project of options.projects ?? []) query.append("projects", project);
    const body = await this.request("GET", `/api/v1/applications${query.size ? `?${query}` : ""}`);
    return applicationList.parse(body).items ?? [];
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

  private async request(method: string, path: string, payload?: unknown): Promise<unknown> {
    const url = new URL(path, this.instance.url);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { Authorization: `Bearer ${this.instance.token}`, Accept: "application/json", ...(payload ? { "Content-Type": "application/json" } : {}) },
        body: payload ? JSON.stringify(payload) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const reason = (error as Error).name === "TimeoutError" ? `no answer within ${this.timeoutMs} ms` : (error as Error).message;
      throw new ArgoCdError(`Argo CD ${this.instance.name} (${this.instance.url}) could not be reached: ${reason}`, null, { cause: error });
    }
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
        `Argo CD ${this.instance.name} refused ${method} ${url.pathname} (${response.status}): ${message ?? response.statusText}`,
        response.status,
      );
    }
    return body;
  }
}
