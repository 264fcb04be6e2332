// The OpenAPI document describes every route handler under app/api (and nothing else), with
// each path parameter, and is a valid OpenAPI 3.1 document whose references all resolve.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { GET as openApiRoute } from "@/app/api/v1/openapi.json/route";
import { buildOpenApiDocument } from "@/lib/api/build-openapi-document";
import { callRoute } from "../../../support/read-api";

const appDir = path.resolve(import.meta.dirname, "../../../../app");
const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

type Operation = { operationId: string; parameters: { name: string; in: string }[]; responses: Record<string, unknown> };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** Every route handler under app/api: its URL path (`[id]` → `{id}`) and exported methods. */
async function routeHandlers(): Promise<{ path: string; methods: string[] }[]> {
  // app/api/auth/[...all] is Better Auth's own endpoint set (sign-in, callbacks, sign-out), described in docs/auth.md.
  const files = (await readdir(path.join(appDir, "api"), { recursive: true })).filter(
    (file) => path.basename(file) === "route.ts" && !file.startsWith(path.join("auth", "[...all]")),
  );
  return Promise.all(
    files.map(async (file) => {
      const imported = (await import(path.join(appDir, "api", file))) as Record<string, unknown>;
      const segments = path.dirname(file).split(path.sep).map((segment) => segment.replace(/^\[(\w+)\]$/, "{$1}"));
      return { path: `/api/${segments.join("/")}`, methods: HTTP_METHODS.filter((method) => typeof imported[method] === "function") };
    }),
  );
}

describe("the OpenAPI document", () => {
  const document = buildOpenApiDocument() as Document;

  it("describes every route handler under app/api, and only those", async () => {
    const handlers = await routeHandlers();
    expect(handlers.map((handler) => handler.path)).toEqual(expect.arrayContaining(["/api/v1/deployments", "/api/webhooks/github", "/api/health", "/api/ready"]));
    const implemented = handlers.flatMap((handler) => handler.methods.map((method) => `${method.toLowerCase()} ${handler.path}`)).sort();
    const documented = Object.entries(document.paths).flatMap(([route, item]) => Object.keys(item).map((method) => `${method} ${route}`)).sort();
    expect(documented).toEqual(implemented);
  });

  it("names each path parameter, and every operation has an id and responses", () => {
    const ids = new Set<string>();
    for (const [route, item] of Object.entries(document.paths)) {
      const inPath = [...route.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      for (const operation of Object.values(item)) {
        expect(operation.parameters.filter((parameter) => parameter.in === "path").map((parameter) => parameter.name), route).toEqual(inPath);
        expect(Object.keys(operation.responses).length, route).toBeGreaterThan(0);
        expect(ids.has(operation.operationId), operation.operationId).toBe(false);
        ids.add(operation.operationId);
      }
    }
  });

  it("answers 429 with Retry-After on every /api/v1 operation (the rate limits), and on no webhook or probe", () => {
    type Components = { responses: Record<string, { headers: Record<string, unknown> }>; headers: Record<string, { required?: boolean }> };
    const { components } = document as unknown as { components: Components };
    expect(Object.keys(components.responses.TooManyRequests!.headers)).toEqual(["X-Request-Id", "Retry-After"]);
    expect(components.headers.RetryAfter!.required).toBe(true);
    for (const [route, item] of Object.entries(document.paths)) {
      for (const operation of Object.values(item)) {
        const tooMany = operation.responses["429"];
        if (route.startsWith("/api/v1/")) expect(tooMany, route).toEqual({ $ref: "#/components/responses/TooManyRequests" });
        else expect(tooMany, route).toBeUndefined();
      }
    }
  });

  it("documents each read endpoint's query parameters from the schema the route parses with", () => {
    const query = (route: string) => document.paths[route]!.get!.parameters.filter((parameter) => parameter.in === "query").map((parameter) => parameter.name);
    expect(query("/api/v1/deployments")).toEqual(["service", "team", "environment", "cluster", "region", "status", "initiatedBy", "from", "to", "q", "limit", "cursor"]);
    expect(query("/api/v1/applications")).toEqual(["service", "team", "environment", "cluster", "region", "health", "sync", "q", "limit", "cursor"]);
    expect(query("/api/v1/services")).toEqual(["team", "q", "limit", "cursor"]);
    expect(query("/api/v1/commits")).toEqual(["q"]);
  });

  it("is valid OpenAPI 3.1", async () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    const result = await new Validator().validate(structuredClone(document) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("has no reference that leads nowhere", () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      expect(ref, ref).toMatch(/^#\//);
      const target = ref.slice(2).split("/").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
      expect(target, ref).toBeDefined();
    }
  });

  it("is served at GET /api/v1/openapi.json", async () => {
    const answer = await callRoute(openApiRoute, "/api/v1/openapi.json");
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(document);
  });
});
