import { parseCoAuthor, type PersonIdentity } from "./identity";
import { issueReferences } from "./references";

export interface CommitMessageFacts {
  title: string;
  /** The PR the commit merged: the last `(#N)` (or `(GH-N)`) at the end of the subject. */
  prNumber: number | null;
  /** Issues referenced as gh-N / GH-N in the subject or body, in order, without the PR itself. */
  refs: number[];
  coAuthors: PersonIdentity[];
}

// CPython squash merges: `gh-134584: Eliminate redundant refcounting from _X (#135001)`; backports:
// `[3.14] gh-134584: … (GH-135001) (#135070)`, where (GH-N) names the original PR, not an issue.
const trailingPr = /\((?:#|GH-)(\d+)\)\s*$/i;
const prMentions = /\((?:#|GH-)\d+\)/gi;
const coAuthorTrailer = /^co-authored-by:\s*(.+)$/gim;
const mentionsIssue = /gh-\d/i;
const mentionsCoAuthor = /co-authored-by:/i;

/** Reads what CPython's commit conventions encode in a commit message. */
export function parseCommitMessage(message: string): CommitMessageFacts {
  const normalised = message.includes("\r") ? message.replace(/\r\n/g, "\n") : message;
  const newline = normalised.indexOf("\n");
  const subject = newline < 0 ? normalised : normalised.slice(0, newline);
  const body = newline < 0 ? "" : normalised.slice(newline + 1);
  const title = subject.trim();
  const prMatch = trailingPr.exec(title);
  const prNumber = prMatch?.[1] ? Number(prMatch[1]) : null;

  const refs: number[] = [];
  // Most bodies name no issue and carry no trailer: a quick test spares them the full matching.
  for (const text of mentionsIssue.test(body) ? [title, body] : [title]) {
    for (const n of issueReferences(text.replace(prMentions, " "))) {
      if (n !== prNumber && !refs.includes(n)) refs.push(n);
    }
  }

  const coAuthors: PersonIdentity[] = [];
  if (mentionsCoAuthor.test(body)) {
    for (const match of body.matchAll(coAuthorTrailer)) {
      const identity = parseCoAuthor(match[1] ?? "");
      if (identity) coAuthors.push(identity);
    }
  }
  return { title: title || "(no subject)", prNumber, refs, coAuthors };
}
