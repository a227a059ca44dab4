// CPython names issues `gh-N` in PR titles, PR bodies and commit messages (`GH-N` in backports' titles).
const issueReference = /\bgh-(\d+)\b/gi;
// GitHub links `#N` too, which is how a PR body usually says which issue it fixes.
const issueOrHashReference = /(?<![A-Za-z0-9_])(?:gh-|#)(\d+)(?!\d)/gi;

/** Every `gh-N` in `text`, in order, repeats included. */
export function issueReferences(text: string): number[] {
  return [...text.matchAll(issueReference)].map((match) => Number(match[1]));
}

/** The issues a pull request names (`gh-N`) in its title and body, without the pull request itself. */
export function pullRequestReferences(pr: { number: number; title: string; body: string | null }): number[] {
  return issueReferences(`${pr.title}\n${pr.body ?? ""}`).filter((n) => n !== pr.number);
}

/** Whether `text` names issue `number`, as `gh-N` or as `#N`. */
export function referencesIssue(text: string, number: number): boolean {
  return [...text.matchAll(issueOrHashReference)].some((match) => match[1] === String(number));
}
