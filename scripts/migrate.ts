// `npm run migrate`: applies prisma/migrations to DATABASE_URL and says what it did. Failures an
// operator can fix (StartupError, ConfigError) print their message alone and exit 1; anything
// else is a bug and keeps its stack trace.
import { migrate } from "../lib/db/migrate";
import { ConfigError, databaseUrl } from "../lib/env";
import { StartupError } from "../lib/startup-error";

try {
  const result = await migrate(databaseUrl(), { log: (line) => console.log(line) });
  if (result.applied.length === 0) {
    console.log(`No pending migrations (${result.alreadyApplied.length} already applied).`);
  } else {
    console.log(`Applied ${result.applied.length} migration(s); ${result.alreadyApplied.length} were already applied.`);
  }
} catch (error) {
  if (!(error instanceof StartupError || error instanceof ConfigError)) throw error;
  console.error(error.message);
  // exitCode rather than exit(): let the output flush.
  process.exitCode = 1;
}
