// Captures what lib/ logs (lib/log/logger.ts) as parsed JSON lines until restore() runs, so a test
// can assert on a log line, or keep an expected error out of the test output.
import { Writable } from "node:stream";
import { createLogger, useLogger } from "../../lib/log/logger";

export type LogLine = { level: string; msg: string; requestId?: string; component?: string; err?: { message?: string; type?: string }; [key: string]: unknown };

export function captureLogs(level = "debug"): { lines: LogLine[]; restore: () => void } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const previous = useLogger(createLogger({ level, format: "json", destination: stream }));
  return { lines, restore: () => void useLogger(previous) };
}
