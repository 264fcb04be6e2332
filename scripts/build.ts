// `npm run build`: `next build`, stamped with the sources it was built from (lib/ops/build-if-stale.ts)
// so that `npm start` serves this build as it is. A production install builds with the
// devDependencies and then prunes them: `npm ci && npm run build && npm prune --omit=dev`.
import path from "node:path";
import { buildAndStamp } from "../lib/ops/build-if-stale";
import { StartupError } from "../lib/startup-error";

const root = path.resolve(import.meta.dirname, "..");
try {
  await buildAndStamp({ root, env: { ...process.env, NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1" } });
} catch (error) {
  if (!(error instanceof StartupError)) throw error;
  console.error(`\n${error.message}\n`);
  process.exit(1);
}
