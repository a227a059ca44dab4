import { Link } from "@remix-run/react";
import { useWindowLink } from "./window-form";

/** A person's name linking to their page; names are contributor-written, so they are rendered as text. */
export function PersonLink({ person }: { person: { id: number; login: string | null; name: string } }) {
  const windowLink = useWindowLink();
  return (
    <Link to={windowLink(`/people/${person.id}`)} className="person-link">
      {person.name}
      {person.login && person.login !== person.name.toLowerCase() ? (
        <span className="login"> @{person.login}</span>
      ) : null}
    </Link>
  );
}
