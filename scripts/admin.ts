// Operator commands on people, for when nobody can sign in to do them on a page:
//   npm run admin -- reset-password <email>                     prints a new one-time password
//   npm run admin -- reset-password <email> --password-stdin    reads the new password from stdin
// Uses DATABASE_URL, or the embedded PostgreSQL of a running `npm start` (SHIPLOG_DATA_DIR).
// The reset ends the person's sessions and is audited (`password.reset`) with the
// operating-system account as the actor: `cli:<user>@<host>`. The password is never logged.
import os from "node:os";
import { text } from "node:stream/consumers";
import { parseArgs } from "node:util";
import { generatePassword } from "../lib/auth/create-local-user";
import { closeDb, getDb } from "../lib/db/client";
import { AppError } from "../lib/http/app-error";
import { useRunningDatabase } from "../lib/ops/use-running-database";
import { StartupError } from "../lib/startup-error";
import { resetPassword } from "../lib/users/reset-password";

const usage = "usage: npm run admin -- reset-password <email> [--password-stdin]";

class UsageError extends Error {}

/** The first line of stdin, without its line ending: a password piped in or typed and ended with Ctrl-D. */
async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) console.error("Type the new password, then Enter and Ctrl-D:");
  const input = await text(process.stdin);
  const [line = ""] = input.split(/\r?\n/);
  if (line === "") throw new UsageError("--password-stdin: stdin held no password (the first line is the password).");
  return line;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { "password-stdin": { type: "boolean", default: false }, reason: { type: "string" } },
  });
  const [command, email, ...rest] = positionals;
  if (command !== "reset-password" || !email || rest.length > 0) throw new UsageError(usage);
  const chosen = values["password-stdin"] ? await readPasswordFromStdin() : null;
  await useRunningDatabase();
  const password = chosen ?? generatePassword();
  const reset = await resetPassword(email, password, {
    actor: `cli:${os.userInfo().username}@${os.hostname()}`,
    requestId: null,
    reason: values.reason ?? "npm run admin -- reset-password",
  }, { db: getDb() });
  const ended = `${reset.sessionsEnded} session(s) ended`;
  if (chosen !== null) {
    console.log(`Set the password of ${reset.email} from stdin; ${ended}.`);
    return;
  }
  console.error(`New one-time password for ${reset.email} (${ended}); shown only now, change it at /settings/account after signing in:`);
  console.log(password);
}

main()
  .catch((error: unknown) => {
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) console.error(`${error.message}\n${usage}`);
    else console.error(error instanceof UsageError || error instanceof AppError || error instanceof StartupError ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
