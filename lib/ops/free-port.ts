// A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it).
import { createServer } from "node:net";

export async function freePortOnLoopback(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
