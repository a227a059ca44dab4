/** A piece of a title: plain text, or `inline code` (without its backticks). */
export interface TitlePart {
  code: boolean;
  text: string;
}

/**
 * A contribution or task title split at its backtick pairs, as GitHub renders them. An unpaired
 * backtick stays as text. The parts are rendered as text nodes, never as HTML.
 */
export function splitInlineCode(title: string): TitlePart[] {
  const parts: TitlePart[] = [];
  const pattern = /`([^`]+)`/g;
  let last = 0;
  for (const match of title.matchAll(pattern)) {
    const start = match.index;
    if (start > last) parts.push({ code: false, text: title.slice(last, start) });
    parts.push({ code: true, text: match[1] ?? "" });
    last = start + match[0].length;
  }
  if (last < title.length) parts.push({ code: false, text: title.slice(last) });
  return parts;
}

/** The title as GitHub shows it, without the backticks (for a text fragment link). */
export function plainTitle(title: string): string {
  return splitInlineCode(title)
    .map((p) => p.text)
    .join("");
}
