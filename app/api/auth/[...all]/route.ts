// Better Auth's endpoints: email sign-in, the OAuth redirects and callbacks, sign-out, session.
// Each request runs with room for the identity provider's groups (lib/auth/sign-in-groups.ts)
// and through sign-in throttling (lib/auth/throttle-sign-in.ts).
import { toNextJsHandler } from "better-auth/next-js";
import { getAuth } from "@/lib/auth/get-auth";
import { withSignInGroups } from "@/lib/auth/sign-in-groups";
import { throttleSignIn } from "@/lib/auth/throttle-sign-in";

const handle = (request: Request) => withSignInGroups(() => throttleSignIn(request, toNextJsHandler(getAuth()).GET));
const handlePost = (request: Request) => withSignInGroups(() => throttleSignIn(request, toNextJsHandler(getAuth()).POST));

export const GET = handle;
export const POST = handlePost;
