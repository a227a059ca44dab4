import { splitInlineCode } from "../stewardship/inline-code";

/** A title with its `inline code` shown as code; contributor-written, so every part is rendered as text. */
export function CodeTitle({ title }: { title: string }) {
  return <>{splitInlineCode(title).map((part, i) => (part.code ? <code key={i}>{part.text}</code> : part.text))}</>;
}
