// SHIPLOG_AUTH_SECRET at start: configured wins; else generated once into the data folder
// (readable by the owner only) and the same one on every later start.
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureAuthSecret } from "@/lib/ops/ensure-auth-secret";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe("ensureAuthSecret", () => {
  it("generates a secret into the data folder once and keeps it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "shiplog-secret-"));
    dirs.push(dir);
    const dataDir = path.join(dir, "data");
    const first = await ensureAuthSecret({ SHIPLOG_DATA_DIR: dataDir });
    expect(first.source).toBe("generated");
    expect(first.secret.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dataDir, "auth-secret");
    expect((await readFile(file, "utf8")).trim()).toBe(first.secret);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await ensureAuthSecret({ SHIPLOG_DATA_DIR: dataDir })).toEqual({ secret: first.secret, source: "stored", file });
  });

  it("uses the configured secret and writes nothing", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "shiplog-secret-"));
    dirs.push(dir);
    const configured = "c".repeat(40);
    expect(await ensureAuthSecret({ SHIPLOG_AUTH_SECRET: configured, SHIPLOG_DATA_DIR: dir })).toEqual({ secret: configured, source: "configured" });
    await expect(stat(path.join(dir, "auth-secret"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});
