// The one logger of a process (pino): JSON lines for log collectors, or pino-pretty's readable
// lines when stdout is a terminal (LOG_FORMAT overrides), at LOG_LEVEL and above. Lines written
// while a route handler runs carry its request id (withErrorHandling enters runWithRequestId),
// so an operator can go from a response's X-Request-Id to every line of that request. Secrets
// in logged objects (authorization headers, cookies, tokens, passwords) are redacted by key.
// Kept on globalThis: Next may load this module once per bundle, and a process has one stdout.
import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { config } from "../env";

export type { Logger } from "pino";

/** Keys whose values never reach a log line, at the top level, one and two levels down. */
const SECRET_KEYS = ["authorization", "cookie", "set-cookie", "password", "token", "secret", "x-hub-signature-256", "x-hub-signature"];
export const REDACTED_PATHS = SECRET_KEYS.flatMap((key) => {
  const quoted = `["${key}"]`;
  return [quoted, `*${quoted}`, `*.*${quoted}`];
});

type RequestContext = { requestId: string };

const globalForLog = globalThis as unknown as { shiplogLogger?: Logger; shiplogLogContext?: AsyncLocalStorage<RequestContext> };

function requestContext(): AsyncLocalStorage<RequestContext> {
  globalForLog.shiplogLogContext ??= new AsyncLocalStorage<RequestContext>();
  return globalForLog.shiplogLogContext;
}

/** Runs `work` with every log line it writes (however deep) tagged with `requestId`. */
export function runWithRequestId<T>(requestId: string, work: () => T): T {
  return requestContext().run({ requestId }, work);
}

/** Builds a logger writing to `destination` (stdout when omitted); tests pass their own stream. */
export function createLogger(options: { level?: string; format?: "json" | "pretty"; destination?: NodeJS.WritableStream } = {}): Logger {
  const settings = config();
  const format = options.format ?? settings.LOG_FORMAT ?? (process.stdout.isTTY ? "pretty" : "json");
  const destination =
    format === "pretty"
      ? // In-process and synchronous: pino's transports run in a worker thread, which Next's bundles cannot load.
        pretty({
          sync: true,
          colorize: process.stdout.isTTY === true,
          translateTime: "SYS:HH:MM:ss.l",
          messageFormat: "{if component}[{component}] {end}{if requestId}{requestId} {end}{msg}",
          ignore: "pid,hostname,component,requestId",
          destination: options.destination ?? 1,
        })
      : (options.destination ?? pino.destination({ sync: true }));
  return pino(
    {
      level: options.level ?? settings.LOG_LEVEL,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      mixin: () => {
        const context = requestContext().getStore();
        return context ? { requestId: context.requestId } : {};
      },
    },
    destination,
  );
}

/** The process's logger; `component` names the part of Shiplog writing (worker, http, rollback…). */
export function logger(component?: string): Logger {
  globalForLog.shiplogLogger ??= createLogger();
  return component ? globalForLog.shiplogLogger.child({ component }) : globalForLog.shiplogLogger;
}

/** Makes `next` the process's logger and gives back the one it replaces (tests capture lines this way). */
export function useLogger(next: Logger): Logger {
  const previous = logger();
  globalForLog.shiplogLogger = next;
  return previous;
}
