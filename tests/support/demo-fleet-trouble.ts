// The e2e server's fleet is the 12-service demo fleet plus a fixed amount of trouble. The
// generator rolls "degraded or drifted right now" at about 1.5 % per application, and its
// first 12 services happen to end all healthy and in sync, which would leave the fleet page's
// degraded list and status columns empty. So four applications get, in the hour before the
// demo's "now", what Argo CD would report for them, recorded through the same domain function
// ingestion and seeding use:
//   - a production sync that rolls out and turns Degraded (degraded since a known time),
//   - a dev application that turns Degraded without a new sync (a crash loop),
//   - a staging application that drifts OutOfSync,
//   - a production sync still Progressing.
import type { ApplicationSnapshot } from "../../lib/argocd/application-snapshot";
import { recordApplicationSnapshot } from "../../lib/applications/record-application-snapshot";
import type { Db } from "../../lib/db/client";
import { FleetDirectory } from "../../lib/fleet/fleet-directory";
import { demoServiceEvents, demoServices } from "../../prisma/demo-fleet/generate-demo-fleet";
import { at, minutes, rollout } from "./snapshot-builder";

export async function recordDemoFleetTrouble(db: Db, options: { services: number; now: Date }): Promise<void> {
  const { now } = options;
  const last = lastSnapshots(options);
  const pick = (environment: string, index = 0): ApplicationSnapshot => {
    const found = last.filter((snapshot) => snapshot.labels.env === environment)[index];
    if (!found) throw new Error(`the demo fleet has no ${environment} application #${index + 1}`);
    const latest = at(now, -minutes(60));
    if (found.observedAt >= latest) throw new Error(`${found.name} was last observed after ${latest.toISOString()}: pick another application`);
    return found;
  };
  const nextSync = (app: ApplicationSnapshot, startedAt: Date) => ({
    app,
    startedAt,
    from: app.images,
    // A new build of the service's image; the demo tags images with short commit SHAs.
    to: app.images.map((image) => image.replace(/:[^:/]+$/, ":0bad5ed")),
    revision: "e2e0000000000000000000000000000000000bad",
    historyId: (app.latestHistory?.id ?? 0) + 1,
  });

  const degradedRollout = rollout({ ...nextSync(pick("prod"), at(now, -minutes(50))), health: ["DEGRADED"] });
  const crashLoop = pick("dev");
  const drifted = pick("staging");
  const progressing = rollout(nextSync(pick("prod", 1), at(now, -minutes(10)))).slice(0, 2);

  const snapshots: ApplicationSnapshot[] = [
    ...degradedRollout,
    { ...crashLoop, health: { status: "DEGRADED", message: "Back-off restarting failed container" }, observedAt: at(now, -minutes(30)) },
    { ...drifted, sync: { ...drifted.sync, status: "OUT_OF_SYNC" }, observedAt: at(now, -minutes(20)) },
    ...progressing,
  ];
  const directory = new FleetDirectory();
  await db.$transaction(async (tx) => {
    for (const snapshot of snapshots) await recordApplicationSnapshot(tx, directory, snapshot);
  });
}

/** The last snapshot the demo generator reports for each application, by application name. */
function lastSnapshots(options: { services: number; now: Date }): ApplicationSnapshot[] {
  const last = new Map<string, ApplicationSnapshot>();
  for (const service of demoServices(options.services)) {
    for (const event of demoServiceEvents(service, { services: options.services, now: options.now })) {
      if (event.kind === "snapshot") last.set(`${event.snapshot.instance}/${event.snapshot.namespace}/${event.snapshot.name}`, event.snapshot);
    }
  }
  return [...last.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, snapshot]) => snapshot);
}
