import { type Kysely } from "kysely";

// How a starter task was claimed (assignee, pull-request, comment), so code asks the kind instead of
// reading the evidence text. Tasks stored before this get the kind their evidence and date tell.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("starter_tasks").addColumn("claim_kind", "text").execute();
  const claimed = () =>
    db.updateTable("starter_tasks").where("claimed_by_person_id", "is not", null).where("claim_kind", "is", null);
  // Only claims by comment carry a date; older rows may predate the date but say so in their evidence.
  await claimed()
    .set({ claim_kind: "comment" })
    .where((eb) => eb.or([eb("claimed_at", "is not", null), eb("claim_evidence", "like", "claimed in a comment%")]))
    .execute();
  // `assigned to <login>` from GitHub, `assigned` in the demo.
  await claimed().set({ claim_kind: "assignee" }).where("claim_evidence", "like", "assigned%").execute();
  // The rest name a pull request: `open PR #N names …`, `open PR #N references gh-N`, the demo's `merged …`.
  await claimed().set({ claim_kind: "pull-request" }).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("starter_tasks").dropColumn("claim_kind").execute();
}
