// Plain words for what can go wrong at sign-in, and where to go after (app/_auth's sameSitePath decides).
import { sameSitePath } from "@/app/_auth/require-page-viewer-path";

/** A same-site path to return to after signing in; anything else becomes "/". */
export function safeNextPath(next: string | undefined): string {
  return sameSitePath(next) ?? "/";
}

const messages: Record<string, string> = {
  INVALID_EMAIL_OR_PASSWORD: "That email and password do not match an account. Check both and try again.",
  invalid_email_or_password: "That email and password do not match an account. Check both and try again.",
  access_denied: "The identity provider did not let you in (you cancelled, or it refused Shiplog). Try again or ask your administrator.",
  state_mismatch: "The sign-in took too long or was started in another tab. Start it again from this page.",
  please_restart_the_process: "The sign-in took too long or was started in another tab. Start it again from this page.",
  email_not_found: "Your identity provider did not share an email address, which Shiplog needs. Ask your administrator.",
  email_not_verified: "Your identity provider says your email address is not verified yet.",
  unable_to_get_user_info: "Shiplog could not read your profile from the identity provider. Try again; if it keeps failing, ask your administrator.",
  signup_disabled: "There is no Shiplog account for you yet. Ask an administrator to add you.",
  unable_to_link_account: "An account with your email already exists but could not be linked to this sign-in method. Ask your administrator.",
  no_role: "Your account has no role in Shiplog yet. Ask an administrator to grant you one, then sign in again.",
  invalid_code: "The identity provider's answer could not be used. Start the sign-in again.",
  // 429s of lib/auth/throttle-sign-in.ts: one account tried too often, or one address.
  TOO_MANY_ATTEMPTS: "Too many sign-in attempts for this account. Wait a little (the wait grows with each failed try) and try again.",
  TOO_MANY_REQUESTS: "Too many sign-in attempts from your network. Wait a minute and try again.",
};

export function describeSignInError(code: string): string {
  return messages[code] ?? `Signing in did not work (${code.replaceAll("_", " ").toLowerCase()}). Try again, or ask your administrator.`;
}
