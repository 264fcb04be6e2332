// The names of Better Auth's session cookie under Shiplog's prefix: plain over http, with the
// __Secure- prefix browsers require for Secure cookies over https.
export const COOKIE_PREFIX = "shiplog";
export const SESSION_COOKIE = `${COOKIE_PREFIX}.session_token`;
export const SESSION_COOKIE_NAMES = [SESSION_COOKIE, `__Secure-${SESSION_COOKIE}`];
