// A real client hang-up: a Node HTTP server receives a POST whose client sends half its body
// and closes the socket. The handler gets the request as Next gives it to a route handler (a
// web Request over the incoming stream) and whatever reading its body throws comes back.
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

/** Runs `handle` on a request whose client hangs up mid-body; resolves with what it returned or threw. */
export async function withAbortedUpload<T>(handle: (request: Request) => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  let settle!: (outcome: { value?: T; error?: unknown }) => void;
  const outcome = new Promise<{ value?: T; error?: unknown }>((resolve) => (settle = resolve));
  const server = http.createServer((incoming, response) => {
    const request = new Request(`http://shiplog.test${incoming.url}`, {
      method: incoming.method,
      headers: incoming.headers as Record<string, string>,
      body: Readable.toWeb(incoming) as ReadableStream<Uint8Array>,
      duplex: "half",
    } as RequestInit);
    handle(request).then(
      (value) => settle({ value }),
      (error: unknown) => settle({ error }),
    );
    response.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const socket = net.connect((server.address() as AddressInfo).port, "127.0.0.1");
    socket.on("error", () => undefined);
    socket.write("POST /api/webhooks/build HTTP/1.1\r\nHost: shiplog.test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"image\":");
    setTimeout(() => socket.destroy(), 50);
    return await outcome;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
