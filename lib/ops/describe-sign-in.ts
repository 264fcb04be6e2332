// What `npm start` prints last, once the web server answers: where to open Shiplog and, on the
// start that created the first administrator, how to sign in. These are the final lines of the
// start's output, so the one-time password is not scrolled away by the build and webhook lines
// printed before it (issue 16).
import type { Config } from "../env";
import type { FirstAdmin } from "./ensure-first-admin";

/** Where people open Shiplog: SHIPLOG_PUBLIC_URL, else localhost on PORT (as lib/auth/get-auth.ts's baseURL). */
function openAddress(settings: Pick<Config, "PORT" | "SHIPLOG_PUBLIC_URL">): string {
  return settings.SHIPLOG_PUBLIC_URL ?? `http://localhost:${settings.PORT}`;
}

/** The closing lines of a start: the sign-in address, and the first administrator's credentials when this start made them. */
export function describeSignIn(settings: Pick<Config, "PORT" | "SHIPLOG_PUBLIC_URL">, admin: FirstAdmin, readySeconds: string): string[] {
  const ready = `ready in ${readySeconds} s. Ctrl-C stops Shiplog.`;
  if (!admin.created) return [ready, `Open ${openAddress(settings)} in your browser.`];
  return [
    ready,
    "Sign in as the administrator created by this first start:",
    `  address:  ${openAddress(settings)}/sign-in`,
    `  email:    ${admin.email}`,
    admin.password === null
      ? "  password: the one in SHIPLOG_ADMIN_PASSWORD"
      : `  password: ${admin.password}   (one-time: shown only now; change it at /settings/account after signing in)`,
  ];
}
