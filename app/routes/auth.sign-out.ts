import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { signOut } from "../auth.server";
import { getDb } from "../db.server";

// Signing out is a POST (a link could be followed by anyone's page); a GET goes home.
export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  return signOut(request, await getDb());
}
