// SHIPLOG_AUTH_SECRET for `npm start`: the configured one, else one generated at the first start
// and kept in SHIPLOG_DATA_DIR/auth-secret (mode 600, next to the embedded database, never in
// git), so sessions survive restarts without the operator having to make one up.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

export async function ensureAuthSecret(settings: { SHIPLOG_AUTH_SECRET?: string; SHIPLOG_DATA_DIR: string }): Promise<{ secret: string; source: "configured" | "stored" | "generated"; file?: string }> {
  if (settings.SHIPLOG_AUTH_SECRET) return { secret: settings.SHIPLOG_AUTH_SECRET, source: "configured" };
  const file = path.resolve(settings.SHIPLOG_DATA_DIR, "auth-secret");
  const stored = await readFile(file, "utf8").then((text) => text.trim(), () => "");
  if (stored.length >= 32) return { secret: stored, source: "stored", file };
  const secret = randomBytes(32).toString("base64url");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return { secret, source: "generated", file };
}
