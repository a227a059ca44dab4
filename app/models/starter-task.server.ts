import type { Database } from "../../db/database";
import { parseStrings } from "./contribution.server";

export type TaskStateFilter = "all" | "open" | "free" | "claimed" | "done";

export interface StarterTaskView {
  id: number;
  key: string;
  stageId: string | null;
  issueNumber: number;
  umbrellaNumber: number | null;
  title: string;
  state: "open" | "done";
  claimedBy: { id: number; login: string | null; name: string } | null;
  claimEvidence: string | null;
  labels: string[];
  updatedAt: string;
}

/** Starter tasks, open ones first, filtered by stage ("none" for unplaced ones) and state. */
export async function listStarterTasks(
  db: Database,
  { stageId, state = "all" }: { stageId?: string; state?: TaskStateFilter },
): Promise<StarterTaskView[]> {
  let query = db
    .selectFrom("starterTasks as t")
    .leftJoin("people as p", "p.id", "t.claimedByPersonId")
    .select([
      "t.id",
      "t.key",
      "t.stageId",
      "t.issueNumber",
      "t.umbrellaNumber",
      "t.title",
      "t.state",
      "t.claimEvidence",
      "t.labels",
      "t.updatedAt",
      "p.id as claimantId",
      "p.login as claimantLogin",
      "p.name as claimantName",
    ]);
  if (stageId === "none") query = query.where("t.stageId", "is", null);
  else if (stageId) query = query.where("t.stageId", "=", stageId);
  if (state === "done") query = query.where("t.state", "=", "done");
  if (state === "open" || state === "free" || state === "claimed") query = query.where("t.state", "=", "open");
  if (state === "free") query = query.where("t.claimedByPersonId", "is", null);
  if (state === "claimed") query = query.where("t.claimedByPersonId", "is not", null);
  const rows = await query
    .orderBy((eb) => eb.case().when("t.state", "=", "open").then(0).else(1).end())
    .orderBy("t.issueNumber")
    .orderBy("t.key")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    key: row.key,
    stageId: row.stageId,
    issueNumber: row.issueNumber,
    umbrellaNumber: row.umbrellaNumber,
    title: row.title,
    state: row.state,
    claimedBy:
      row.claimantId !== null ? { id: row.claimantId, login: row.claimantLogin, name: row.claimantName ?? "unknown" } : null,
    claimEvidence: row.claimEvidence,
    labels: parseStrings(row.labels),
    updatedAt: row.updatedAt,
  }));
}
