import type { LoaderFunctionArgs } from "@remix-run/node";
import { startSignIn } from "../auth.server";
import { oauthAuthorizeUrl } from "../github.server";

// Sign in with GitHub: off to GitHub's approval page, which comes back to /auth/github/callback.
export async function loader({ request }: LoaderFunctionArgs) {
  return startSignIn(request, oauthAuthorizeUrl);
}
