import type { StageReport } from "./models/bus-factor.server";

/** What the dashboard's card and the stage page both show of a stage's report. */
export function stageSummary(stage: StageReport) {
  return {
    id: stage.id,
    name: stage.name,
    description: stage.description,
    goal: stage.goal,
    status: stage.status,
    statusText: stage.statusText,
    contributorAbsenceFactor: stage.contributorAbsenceFactor,
    trend: stage.trend.map(({ month, value }) => ({ month, value })),
  };
}
