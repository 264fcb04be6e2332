// Degraded is one colour wherever it appears (issue 16): as a deployment status (timeline,
// release rollout, DORA drill-downs) and as an application's health (release and service pages).
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DeploymentStatusBadge, HealthBadge } from "@/components/ui/deployment-badges";
import { StatusBadge } from "@/app/timeline/_components/status-badge";

const classOf = (html: string) => /class="([^"]+)"/.exec(html)?.[1];

describe("status badges", () => {
  it("draw Degraded red, the same as Failed, as a status and as a health", () => {
    const status = renderToStaticMarkup(createElement(DeploymentStatusBadge, { status: "DEGRADED" }));
    const health = renderToStaticMarkup(createElement(HealthBadge, { health: "DEGRADED" }));
    const timeline = renderToStaticMarkup(createElement(StatusBadge, { status: "DEGRADED" }));
    const failed = renderToStaticMarkup(createElement(DeploymentStatusBadge, { status: "FAILED" }));
    expect(classOf(status)).toContain("text-red-800");
    expect(classOf(health)).toBe(classOf(status));
    expect(classOf(timeline)).toBe(classOf(status));
    expect(classOf(failed)).toBe(classOf(status));
    expect([status, health, timeline].map((html) => html.replace(/<[^>]+>/g, ""))).toEqual(["Degraded", "Degraded", "Degraded"]);
  });
});
