import type { LinksFunction, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";
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

export async function loader() {
  const db = await getReadDb();
  return { demo: (await getMeta(db, "demo")) === "true" };
}

function Document({ children, demo }: { children: ReactNode; demo: boolean }) {
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
            <NavLink to={windowLink("/planning")}>Planning</NavLink>
            <NavLink to={windowLink("/contributions")}>Contributions</NavLink>
            <NavLink to="/how-steward-counts">How it counts</NavLink>
          </nav>
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
  const { demo } = useLoaderData<typeof loader>();
  return (
    <Document demo={demo}>
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
