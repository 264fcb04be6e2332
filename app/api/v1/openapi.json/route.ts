// GET /api/v1/openapi.json: the OpenAPI 3.1 description of every Shiplog endpoint, generated
// from the zod schemas the routes validate with (lib/api/build-openapi-document.ts).
import { buildOpenApiDocument } from "@/lib/api/build-openapi-document";
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorHandling } from "@/lib/http/with-error-handling";

export const GET = withErrorHandling(async () => jsonResponse(buildOpenApiDocument(), { "Cache-Control": "public, max-age=300" }));
