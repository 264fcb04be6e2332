// Starts a node:http server listening and says on which port: the one asked for, or the one the
// system chose for port 0. Rejects with the listen error (EADDRINUSE, EACCES) instead of
// emitting it, so the caller can name the setting to change.
import type { Server } from "node:http";

export async function listen(server: Server, port: number, host?: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === "object" && address ? address.port : port;
}
