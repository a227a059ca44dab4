import type { LoaderFunctionArgs } from "@remix-run/node";
import { finishSignIn } from "../auth.server";
import { getDb } from "../db.server";
import { signInWithOAuthCode } from "../github.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return finishSignIn(request, { db: await getDb(), exchange: signInWithOAuthCode });
}
