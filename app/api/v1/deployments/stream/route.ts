// GET /api/v1/deployments/stream: server-sent events telling open timelines that deployments
// were created or changed (docs/api.md). Clients refetch their own filtered head on each event.
import { streamDeploymentChanges } from "@/lib/deployments/stream-deployment-changes";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";

export const dynamic = "force-dynamic";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  return new Response(streamDeploymentChanges(request.signal), {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      // no-transform: compression would hold events back until a buffer fills.
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
});
