import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Form,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useLocation,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { getSignedIn, getSignInConfig } from "./auth.server";
import { ErrorPage } from "./components/error-page";
import { useWindowLink } from "./components/window-form";
import { getReadDb } from "./db.server";
import { getMeta } from "./models/meta.server";
import { useNonce } from "./nonce";
import styles from "./styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

// Pages name themselves; this is the title of the error pages, which have no page of their own to do it.
export const meta: MetaFunction = ({ error }) => [
  {
    title: isRouteErrorResponse(error)
      ? `${error.status} · ${error.status === 404 ? "Not found" : "Error"} · Steward`
      : error
        ? "Error · Steward"
        : "Steward",
  },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const db = await getReadDb();
  // A sign-in configured without its session secret stops here, on every page, with a 503 saying so.
  const signInEnabled = getSignInConfig() !== null;
  const session = signInEnabled ? await getSignedIn(request, db) : null;
  return {
    demo: (await getMeta(db, "demo")) === "true",
    signInEnabled,
    session: session ? { login: session.login, csrf: session.csrfToken } : null,
  };
}

interface SessionView {
  signInEnabled: boolean;
  session: { login: string; csrf: string } | null;
}

/** "Sign in" (and back to this page), or who is signed in and a sign-out button. */
function SignInStatus({ signInEnabled, session }: SessionView) {
  const location = useLocation();
  if (!signInEnabled) return null;
  if (!session) {
    const back = encodeURIComponent(`${location.pathname}${location.search}`);
    return (
      <a className="sign-in" href={`/auth/github?returnTo=${back}`}>
        Sign in with GitHub
      </a>
    );
  }
  return (
    <Form method="post" action="/auth/sign-out" reloadDocument className="sign-in">
      <span>@{session.login}</span> <input type="hidden" name="csrf" value={session.csrf} />
      <button type="submit">Sign out</button>
    </Form>
  );
}

function Document({ children, demo, auth }: { children: ReactNode; demo: boolean; auth?: SessionView }) {
  const windowLink = useWindowLink();
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {/* The first thing a keyboard reaches: past the header and the demo banner, to the page itself. */}
        <a href="#content" className="skip-link">
          Skip to content
        </a>
        <header className="site-header">
          <a href={windowLink("/")} className="brand">
            Steward
          </a>
          <nav aria-label="Main">
            <NavLink to={windowLink("/")} end>
              Dashboard
            </NavLink>
            <NavLink to={windowLink("/tasks")}>Starter tasks</NavLink>
            <NavLink to={windowLink("/onboarding")}>Onboarding</NavLink>
            <NavLink to={windowLink("/planning")}>Planning</NavLink>
            <NavLink to={windowLink("/contributions")}>Contributions</NavLink>
            <NavLink to="/how-steward-counts">How it counts</NavLink>
          </nav>
          {auth ? <SignInStatus {...auth} /> : null}
        </header>
        {demo ? (
          <p className="demo-banner" role="status">
            Demo data: fictional people and a made-up history on real CPython paths. Import a repository to see real
            numbers (see the README).
          </p>
        ) : null}
        {/* A wrapper rather than an id on each page's <main>, so every page, error pages too, has the target. */}
        <div id="content" tabIndex={-1}>
          {children}
        </div>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { demo, signInEnabled, session } = useLoaderData<typeof loader>();
  return (
    <Document demo={demo} auth={{ signInEnabled, session }}>
      <Outlet />
    </Document>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  return (
    <Document demo={false}>
      <ErrorPage error={error} />
    </Document>
  );
}
