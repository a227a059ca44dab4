import { Link } from "@remix-run/react";
import { useWindowLink } from "./window-form";

/**
 * A person's name linking to their page: "@login" when the name is just the login (no real name is
 * known), else the name followed by the login. Names are contributor-written, so they are rendered as text.
 */
export function PersonLink({ person }: { person: { id: number; login: string | null; name: string } }) {
  const windowLink = useWindowLink();
  const nameIsLogin = isLoginOnly(person);
  return (
    <Link to={windowLink(`/people/${person.id}`)} className="person-link">
      {nameIsLogin ? `@${person.login}` : person.name}
      {person.login && !nameIsLogin ? <span className="login"> @{person.login}</span> : null}
    </Link>
  );
}

/** True when no real name is known: the stored name is just the GitHub login, shown as "@login". */
export function isLoginOnly(person: { login: string | null; name: string }): boolean {
  return person.login !== null && person.login.toLowerCase() === person.name.toLowerCase();
}
