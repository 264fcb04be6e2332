// Checks the web server's port before anything else starts, so a busy port fails in a
// second with a message naming PORT instead of after PostgreSQL, migrations and a build.
import { createServer } from "node:net";
import { StartupError } from "../startup-error";

/**
 * Throws a StartupError naming `setting` when nothing can listen on `port`. Probes every
 * interface, as `next start` listens, so a server bound to 127.0.0.1 alone is found too.
 */
export async function ensurePortFree(port: number, setting = "PORT"): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      const problem =
        error.code === "EADDRINUSE"
          ? "is already in use (another Shiplog, or another program, is listening there)"
          : error.code === "EACCES"
            ? "needs privileges this user does not have"
            : `cannot be listened on (${error.code ?? error.message})`;
      reject(
        new StartupError(
          `Port ${port} ${problem}, so Shiplog's web server cannot start. ` +
            `Stop whatever holds it, or set ${setting} to a free port (e.g. ${setting}=${port === 3000 ? 3001 : 3000}).`,
          setting,
          { cause: error },
        ),
      );
    });
    probe.listen(port, () => probe.close(() => resolve()));
  });
}
