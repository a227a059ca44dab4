/** One `- [ ]` / `- [x]` line of an umbrella issue: one starter task. */
export interface ChecklistItem {
  /** 1-based position among the checklist items; with the issue number, the task's key. */
  index: number;
  text: string;
  done: boolean;
  /** What names the item in comments and PR titles: its first `code` span or uop-like word. */
  identifier: string;
}

const checklistLine = /^\s*[-*+]\s+\[([ xX])\]\s+(.+?)\s*$/;
const codeSpan = /`([^`]+)`/;
const uopLike = /\b(_?[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/;

export function parseChecklist(body: string | null): ChecklistItem[] {
  if (!body) return [];
  const items: ChecklistItem[] = [];
  let inFence = false;
  for (const line of body.replace(/\r\n/g, "\n").split("\n")) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const match = checklistLine.exec(line);
    if (!match?.[2]) continue;
    const text = match[2];
    const identifier = taskIdentifier(text);
    items.push({ index: items.length + 1, text, done: match[1] !== " ", identifier });
  }
  return items;
}

/**
 * What names a checklist item: its first `code` span, else its first uop-like word, else its whole text.
 * Stored task titles have their backticks removed; their uop-like word is what a PR title names.
 */
export function taskIdentifier(text: string): string {
  return codeSpan.exec(text)?.[1] ?? uopLike.exec(text)?.[1] ?? text;
}

/** Whether `text` (a PR title, a comment) names `identifier` as a whole word. */
export function mentionsIdentifier(text: string, identifier: string): boolean {
  const escaped = identifier.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^A-Za-z0-9_])${escaped}($|[^A-Za-z0-9_])`).test(text);
}
