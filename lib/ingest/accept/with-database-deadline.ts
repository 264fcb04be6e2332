// Bounds how long a webhook sender waits on the database. Argo CD's notification client has
// no timeout, so a hung connection would hang its controller; instead the sender gets a 503
// (nothing was confirmed stored; retrying is safe) well within 2 seconds.
import { AppError } from "../../http/app-error";

export const DATABASE_DEADLINE_MS = 1_500;

export async function withDatabaseDeadline<T>(work: PromiseLike<T>, ms = DATABASE_DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const pending = Promise.resolve(work);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AppError("service_unavailable", `The database did not answer within ${ms} ms; retry later.`, { headers: { "Retry-After": "5" } })),
      ms,
    );
  });
  try {
    return await Promise.race([pending, timeout]);
  } finally {
    clearTimeout(timer);
    // The work may still settle after the deadline; nobody waits for it then.
    pending.catch(() => undefined);
  }
}
