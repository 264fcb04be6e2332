// The OpenAPI document does not depend on what else sits in zod's global registry (issue 14,
// finding 7): in `next start`, every Next bundle that imports a schema module registers its own
// copy of each `.meta({ id })`, and converting the registry then threw "Duplicate schema id".
// Here a second copy of "Team" (inside a second "ServiceDetail", as another bundle would load
// them) is registered before the document is built.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildOpenApiDocument } from "@/lib/api/build-openapi-document";
import { teamSchema } from "@/lib/services/list-services";

describe("buildOpenApiDocument", () => {
  it("builds with another bundle's copies of its named schemas in zod's global registry", () => {
    const otherTeam = z.object({ slug: z.string(), name: z.string() }).meta({ id: "Team" });
    z.object({ name: z.string(), team: otherTeam.nullable() }).meta({ id: "ServiceDetail" });
    expect(z.globalRegistry.get(otherTeam)?.id).toBe("Team");
    expect(z.globalRegistry.get(teamSchema)?.id).toBe("Team");

    const document = buildOpenApiDocument() as { components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    const { Team, ServiceDetail } = document.components.schemas;
    expect(Team?.properties).toEqual({ slug: { type: "string" }, name: { type: "string" } });
    // This module's own ServiceDetail, not the stand-in registered above.
    expect(Object.keys(ServiceDetail?.properties ?? {})).toEqual(expect.arrayContaining(["name", "team", "environments"]));
    expect(JSON.stringify(document)).not.toContain("#/$defs/");
  });
});
