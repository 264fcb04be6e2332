// Change failure rate of production deployments over the last `days` days (UTC, today included),
// for the fleet, a team or a service: the fleet page's headline number.
import { readDb, type DbOrTx } from "../db/client";
import { resolveDoraWindow, utcDayKey } from "./dora-window";
import { listDoraDays } from "./list-dora-days";
import { resolveDoraScope } from "./resolve-dora-scope";
import { ratio, sumDoraDays } from "./summarize-dora";

export type ChangeFailureRate = { deployments: number; failures: number; rate: number | null };

export async function getChangeFailureRate(
  { days, team, service, now }: { days: number; team?: string; service?: string; now?: Date },
  db: DbOrTx = readDb(),
): Promise<ChangeFailureRate> {
  const window = resolveDoraWindow({ days, now });
  const scope = await resolveDoraScope({ team, service }, db);
  if (!scope) return { deployments: 0, failures: 0, rate: null };
  const sum = sumDoraDays(await listDoraDays(scope, window, db), utcDayKey(window.from), utcDayKey(window.to));
  return { deployments: sum.deployments, failures: sum.failures, rate: ratio(sum.failures, sum.deployments) };
}
