// Better Auth's endpoints: email sign-in, the OAuth redirects and callbacks, sign-out, session.
// Each request runs with room for the identity provider's groups (lib/auth/sign-in-groups.ts).
import { toNextJsHandler } from "better-auth/next-js";
import { getAuth } from "@/lib/auth/get-auth";
import { withSignInGroups } from "@/lib/auth/sign-in-groups";

const handle = (request: Request) => withSignInGroups(() => toNextJsHandler(getAuth()).GET(request));
const handlePost = (request: Request) => withSignInGroups(() => toNextJsHandler(getAuth()).POST(request));

export const GET = handle;
export const POST = handlePost;
