// Which Argo CD notifications are "the same event" (one delivery id) and which are not.
import { beforeAll, describe, expect, it } from "vitest";
import { argocdNotificationSchema, type ArgocdNotification } from "../../../../lib/ingest/accept/argocd-notification";
import { deriveArgocdDeliveryId } from "../../../../lib/ingest/accept/derive-argocd-delivery-id";
import { argocdApplication } from "../../../support/webhooks";

type Application = Record<string, any>;
let app: Application;
beforeAll(async () => {
  app = await argocdApplication();
});

function idOf(edit: (notification: { event: string; instance: string; app: Application }) => void = () => undefined): string {
  const notification = { event: "on-deployed", instance: "prod-eu", app: structuredClone(app) };
  edit(notification);
  return deriveArgocdDeliveryId(argocdNotificationSchema.parse(notification) as ArgocdNotification);
}

describe("deriveArgocdDeliveryId", () => {
  it("is a stable SHA-256 of the event's identity", () => {
    expect(idOf()).toMatch(/^[0-9a-f]{64}$/);
    expect(idOf()).toBe(idOf());
  });

  it("ignores what changes without the event changing: resources, resourceVersion, annotations, history", () => {
    const base = idOf();
    expect(idOf(({ app: a }) => delete a.status.resources)).toBe(base);
    expect(idOf(({ app: a }) => void (a.metadata.resourceVersion = "1"))).toBe(base);
    expect(idOf(({ app: a }) => void (a.metadata.annotations["notified.notifications.argoproj.io"] = '{"x":1}'))).toBe(base);
    expect(idOf(({ app: a }) => void a.status.history.pop())).toBe(base);
    expect(idOf(({ app: a }) => void (a.status.summary = {}))).toBe(base);
  });

  it.each<[string, (n: { event: string; instance: string; app: Application }) => void]>([
    ["another trigger", (n) => void (n.event = "on-sync-succeeded")],
    ["another Argo CD instance", (n) => void (n.instance = "prod-us")],
    ["a re-created application (new uid)", (n) => void (n.app.metadata.uid = "00000000-0000-0000-0000-000000000000")],
    ["another operation", (n) => void (n.app.status.operationState.startedAt = "2024-03-05T08:00:00Z")],
    ["the same operation, finished", (n) => void (n.app.status.operationState.phase = "Running")],
    ["a retry of the operation", (n) => void (n.app.status.operationState.retryCount = 1)],
    ["another synced revision", (n) => void (n.app.status.operationState.syncResult.revision = "f".repeat(40))],
    ["another sync status", (n) => void (n.app.status.sync.status = "OutOfSync")],
    ["another target revision", (n) => void (n.app.status.sync.revision = "rev2")],
    ["another health status (degraded → healthy)", (n) => void (n.app.status.health.status = "Degraded")],
    ["a new health transition", (n) => void (n.app.status.health.lastTransitionTime = "2024-03-05T07:40:00Z")],
    ["a later reconciliation", (n) => void (n.app.status.reconciledAt = "2024-03-05T07:36:04Z")],
  ])("differs for %s", (_, edit) => {
    expect(idOf(edit)).not.toBe(idOf());
  });

  it("identifies an application without uid by namespace and name", () => {
    const withoutUid = (name: string) =>
      idOf(({ app: a }) => {
        delete a.metadata.uid;
        a.metadata.name = name;
      });
    expect(withoutUid("a")).toBe(withoutUid("a"));
    expect(withoutUid("a")).not.toBe(withoutUid("b"));
  });

  it("accepts an application that has never synced (no operationState, no status)", () => {
    expect(idOf(({ app: a }) => delete a.status.operationState)).toMatch(/^[0-9a-f]{64}$/);
    expect(idOf(({ app: a }) => delete a.status)).toMatch(/^[0-9a-f]{64}$/);
  });
});
