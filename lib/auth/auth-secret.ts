// The secret Better Auth signs session cookies and OAuth state with. Production needs one
// configured (npm start generates and keeps one for the embedded default, see
// lib/ops/ensure-auth-secret.ts); tests get a fixed one so in-process route tests can sign in.
import { ConfigError, config } from "../env";

export const TEST_AUTH_SECRET = "shiplog-test-secret-not-for-production-use-0123456789";

export function authSecret(): string {
  const configured = config().SHIPLOG_AUTH_SECRET;
  if (configured) return configured;
  if (config().NODE_ENV === "test") return TEST_AUTH_SECRET;
  throw new ConfigError([
    "SHIPLOG_AUTH_SECRET: not set. Start Shiplog with `npm start` (which generates one in SHIPLOG_DATA_DIR) or set it to a random string of at least 32 characters (`openssl rand -base64 32`).",
  ]);
}
