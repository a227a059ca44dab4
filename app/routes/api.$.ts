import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { jsonError } from "../http.server";

const endpoints =
  "/api/bus-factor, /api/contributions, /api/tasks, /api/audit, /api/plans, /api/goals, /api/corrections, /api/people/corrections, POST /api/people/merges, POST /api/people/splits";

function unknownEndpoint(request: Request): Response {
  const { pathname } = new URL(request.url);
  return jsonError(404, `There is no API endpoint ${pathname}. Endpoints: ${endpoints} (see the README).`);
}

// Any path under /api/ that no endpoint claims, for every method: a JSON 404, never the HTML page.
export async function loader({ request }: LoaderFunctionArgs) {
  return unknownEndpoint(request);
}

export async function action({ request }: ActionFunctionArgs) {
  return unknownEndpoint(request);
}
