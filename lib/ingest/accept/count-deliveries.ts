// Counts what a webhook route received and refused (shiplog_deliveries_received_total,
// shiplog_deliveries_refused_total, docs/observability.md). Wraps the route outside
// withErrorHandling, so it sees the answer every request got: an error answer is counted as
// refused with its error code (unauthorized, payload_too_large, bad_request, …) as the reason.
// What was stored, new or a duplicate, acceptDelivery counts itself.
import type { DeliverySource } from "../../generated/prisma/enums";
import type { RouteHandler } from "../../http/with-error-handling";
import { metrics } from "../../observability/metrics-registry";

export function countDeliveries<Context>(source: DeliverySource, handler: RouteHandler<Context>): RouteHandler<Context> {
  return async (request, context) => {
    const m = metrics();
    m.deliveriesReceived.inc({ source });
    const response = await handler(request, context);
    if (response.status >= 400) m.deliveriesRefused.inc({ source, reason: await refusalReason(response) });
    return response;
  };
}

/** The error code of withErrorHandling's JSON body, read from a clone; the status when there is none. */
async function refusalReason(response: Response): Promise<string> {
  try {
    const body = (await response.clone().json()) as { error?: { code?: unknown } };
    if (typeof body.error?.code === "string") return body.error.code;
  } catch {
    // not withErrorHandling's JSON: the status says enough
  }
  return String(response.status);
}
