// Where Next's CLI is: run with this Node (`process.execPath`), not through npx or a shell,
// so signals reach it directly and no PATH lookup is involved.
import { createRequire } from "node:module";
import path from "node:path";

export function nextBin(root: string): string {
  return createRequire(path.join(root, "package.json")).resolve("next/dist/bin/next");
}
