// Reads a request body up to a size cap, so one oversized or endless upload cannot exhaust
// memory. Returns the exact bytes: signatures are computed over them, before anything is decoded.
import { AppError } from "../../http/app-error";

export type RawBody = { bytes: Buffer };

const MiB = 1024 * 1024;
export const BODY_LIMITS = {
  // GitHub caps webhook payloads at 25 MB.
  GITHUB: 25 * MiB,
  ARGOCD: 2 * MiB,
  BUILD: 2 * MiB,
  DEPLOYER: 256 * 1024,
  // GitLab's default maximum webhook payload is 25 MB too (max_webhook_payload_size).
  GITLAB: 25 * MiB,
  // One Flux event: an object reference, a message (a changeset of applied objects can be long) and metadata.
  FLUX: 1 * MiB,
} as const;

/** Answers 413 before reading when Content-Length already says the body is too large. */
export function rejectDeclaredOversize(request: Request, maxBytes: number): void {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
}

/**
 * Webhook body bytes being read at once across the process: beyond it a request is answered 503
 * with Retry-After (GitHub, Argo CD and CI senders retry), so many large bodies arriving together
 * cannot exhaust the web process's memory.
 */
export const BODIES_IN_FLIGHT_LIMIT = 64 * MiB;
let bytesInFlight = 0;

/** Bytes of webhook bodies being read now (for tests and metrics). */
export function webhookBytesInFlight(): number {
  return bytesInFlight;
}

export async function readBodyWithLimit(request: Request, maxBytes: number): Promise<RawBody> {
  rejectDeclaredOversize(request, maxBytes);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    if (request.body) {
      const reader = request.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        bytesInFlight += value.byteLength;
        if (size > maxBytes || bytesInFlight > BODIES_IN_FLIGHT_LIMIT) {
          // Stop the upload instead of draining it.
          await reader.cancel().catch(() => undefined);
          throw size > maxBytes ? tooLarge(maxBytes) : busy();
        }
        chunks.push(value);
      }
    }
    return { bytes: Buffer.concat(chunks, size) };
  } finally {
    bytesInFlight -= size;
  }
}

function busy(): AppError {
  return new AppError("service_unavailable", "Shiplog is reading too many webhook bodies at once; retry in a few seconds.", {
    headers: { "Retry-After": "5" },
  });
}

/** The body as text; 400 when it is not UTF-8. */
export function bodyText({ bytes }: RawBody): string {
  try {
    // fatal: a body that is not UTF-8 is refused rather than stored with replacement characters,
    // so the stored text is always exactly what was signed.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw new AppError("bad_request", "The body is not valid UTF-8.", { cause: error });
  }
}

function tooLarge(maxBytes: number): AppError {
  return new AppError("payload_too_large", `The body is larger than ${maxBytes} bytes (${maxBytes / MiB} MiB), the limit of this endpoint.`);
}
