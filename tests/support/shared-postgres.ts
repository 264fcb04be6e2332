// globalSetup of every vitest project: one PostgreSQL and one migrated template per run, however
// many projects take part. Vitest runs each project's globalSetup in turn, in the same process,
// but through its own module graph, so the server started by the first project (via
// global-setup.ts) is kept on globalThis and handed to the others; the last teardown stops it.
import type { TestProject } from "vitest/node";
// Loading it (through global-setup.ts) also keeps a failing run's exit code (lib/db/embedded-postgres.ts).
import { setup as startPostgres } from "./global-setup";

type Provided = { serverUrl: string; templateDatabase: string };
type Shared = { users: number; provided: Provided; stop: () => Promise<void> };

const key = Symbol.for("shiplog.tests.sharedPostgres");
const store = globalThis as unknown as Record<symbol, Promise<Shared> | undefined>;

export async function setup(project: TestProject) {
  store[key] ??= start();
  const shared = await store[key];
  shared.users += 1;
  project.provide("serverUrl", shared.provided.serverUrl);
  project.provide("templateDatabase", shared.provided.templateDatabase);

  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    store[key] = undefined;
    await shared.stop();
  };
}

async function start(): Promise<Shared> {
  const provided: Partial<Provided> = {};
  // global-setup.ts only provides values to the project it is given; collect them instead.
  const collector = {
    provide: (name: keyof Provided, value: string) => void (provided[name] = value),
  } as unknown as TestProject;
  const stop = await startPostgres(collector);
  if (!provided.serverUrl || !provided.templateDatabase) throw new Error("global-setup.ts provided no serverUrl or templateDatabase");
  return { users: 0, provided: provided as Provided, stop };
}
