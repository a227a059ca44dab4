// What a newcomer does next with a starter task: how to claim it (the issue's own convention), where the
// item is written, and where in CPython's code to start.
import { plainTitle } from "./inline-code";

export interface GuideTask {
  issueNumber: number;
  umbrellaNumber: number | null;
  title: string;
}

export interface CodeLink {
  path: string;
  /** The file on the default branch. */
  fileUrl: string;
  /** A GitHub code search for the uop in that file. */
  searchUrl: string;
}

export interface TaskGuide {
  /** The issue page, at the checklist item's text for an umbrella item. */
  itemUrl: string;
  /** How to claim it, in words. */
  claim: string;
  uop: string | null;
  code: CodeLink[];
}

/** The uop a checklist item names (`_BINARY_OP_ADD_INT`), or null. Uop names start with an underscore. */
export function uopName(title: string): string | null {
  return /(?:^|[^A-Za-z0-9_])(_[A-Z][A-Z0-9_]*[A-Z0-9])(?![A-Za-z0-9_])/.exec(title)?.[1] ?? null;
}

// A uop is defined in the interpreter's DSL and given its abstract (optimizer) meaning in a second file.
const UOP_FILES = ["Python/bytecodes.c", "Python/optimizer_bytecodes.c"];

/** Links to the uop's definition and its abstract counterpart on `branch`, each with a search for it. */
export function uopCodeLinks(repository: string, branch: string, uop: string): CodeLink[] {
  return UOP_FILES.map((path) => ({
    path,
    fileUrl: `https://github.com/${repository}/blob/${encodeURIComponent(branch)}/${path}`,
    searchUrl: `https://github.com/search?${new URLSearchParams({ q: `repo:${repository} path:${path} ${uop}`, type: "code" }).toString()}`,
  }));
}

/**
 * A link to an issue that scrolls to `text` (a URL text fragment, `#:~:text=`). The fragment's own
 * syntax characters (`-`, `,`, `&`) are percent-encoded along with everything encodeURIComponent encodes.
 */
export function textFragmentUrl(issueUrl: string, text: string): string {
  const encoded = encodeURIComponent(text.trim()).replace(/-/g, "%2D");
  return `${issueUrl}#:~:text=${encoded}`;
}

/** What a newcomer does next with a task of `repository`. */
export function taskGuide(task: GuideTask, { repository, branch }: { repository: string; branch: string }): TaskGuide {
  const issueUrl = `https://github.com/${repository}/issues/${task.issueNumber}`;
  const uop = uopName(task.title);
  const claim =
    task.umbrellaNumber !== null
      ? `comment on gh-${task.umbrellaNumber} naming this item, then open a pull request titled "gh-${task.umbrellaNumber}: …".`
      : `comment on gh-${task.issueNumber} asking to be assigned, then open a pull request titled "gh-${task.issueNumber}: …".`;
  return {
    itemUrl: task.umbrellaNumber !== null ? textFragmentUrl(issueUrl, plainTitle(task.title)) : issueUrl,
    claim,
    uop,
    code: uop ? uopCodeLinks(repository, branch, uop) : [],
  };
}
