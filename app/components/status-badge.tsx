import type { GoalStatus } from "../stewardship/metrics";

const words: Record<GoalStatus, string> = {
  met: "Goal met",
  "at-risk": "At risk: one below goal",
  unmet: "Goal not met",
};

/** The goal status as a coloured pill that also says it in words (colour is never the only signal). */
export function StatusBadge({ status }: { status: GoalStatus }) {
  return <span className={`status-badge status-${status}`}>{words[status]}</span>;
}
