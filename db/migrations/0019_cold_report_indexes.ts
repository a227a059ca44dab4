import { sql, type Kysely } from "kysely";
import { isPostgres } from "../portable";

// The first view of a page after a write computes its reports afresh (the caches are per data version).
// At 1M contributions three of its reads walked a table row per index entry; these let the indexes answer:
//
// - contribution_files (path, contribution_id, status, previous_path) replaces the index on path: the
//   knowledge truck factor reads which of a stage's tens of thousands of file changes add, copy, delete
//   or rename a file, and counts the others, from the index alone.
// - contribution_people.contribution_occurred_at: the contribution's time on each of its people's rows,
//   so "did this person author anything before" (onboarding) is one seek on (person, role, time) rather
//   than a walk through every contribution of a prolific person. Triggers keep it equal to
//   contributions.occurred_at whichever way a row is written (an import sets it itself, as it knows the
//   time: the trigger then has nothing to do); the index replaces 0017's (person, role, contribution).
// - stage_activity's two indexes, by (stage, time) and by (person, stage, time), gain contribution_id, which
//   the onboarding history reads with every credit and a stage's newcomers look up per person.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("contribution_files_path_change")
    .on("contribution_files")
    .columns(["path", "contribution_id", "status", "previous_path"])
    .execute();
  await db.schema.dropIndex("contribution_files_path").ifExists().execute();

  await db.schema.alterTable("contribution_people").addColumn("contribution_occurred_at", "text").execute();
  if (isPostgres(db)) {
    await sql`update contribution_people cp set contribution_occurred_at = c.occurred_at
      from contributions c where c.id = cp.contribution_id`.execute(db);
    await sql`create function steward_contribution_people_time() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' and new.contribution_occurred_at is not null then return new; end if;
        select occurred_at into new.contribution_occurred_at from contributions where id = new.contribution_id;
        return new;
      end
    $$`.execute(db);
    await sql`create trigger contribution_people_time before insert or update of contribution_id on contribution_people
      for each row execute function steward_contribution_people_time()`.execute(db);
    await sql`create function steward_contribution_time() returns trigger language plpgsql as $$
      begin
        update contribution_people set contribution_occurred_at = new.occurred_at where contribution_id = new.id;
        return null;
      end
    $$`.execute(db);
    await sql`create trigger contribution_time after update of occurred_at on contributions
      for each row when (old.occurred_at is distinct from new.occurred_at)
      execute function steward_contribution_time()`.execute(db);
  } else {
    await sql`update contribution_people set contribution_occurred_at =
      (select occurred_at from contributions c where c.id = contribution_people.contribution_id)`.execute(db);
    await sql`create trigger contribution_people_time after insert on contribution_people
      for each row when new.contribution_occurred_at is null
      begin
        update contribution_people
          set contribution_occurred_at = (select occurred_at from contributions where id = new.contribution_id)
          where contribution_id = new.contribution_id and person_id = new.person_id and role = new.role;
      end`.execute(db);
    await sql`create trigger contribution_people_moved after update of contribution_id on contribution_people
      for each row
      begin
        update contribution_people
          set contribution_occurred_at = (select occurred_at from contributions where id = new.contribution_id)
          where contribution_id = new.contribution_id and person_id = new.person_id and role = new.role;
      end`.execute(db);
    await sql`create trigger contribution_time after update of occurred_at on contributions
      for each row when old.occurred_at is not new.occurred_at
      begin
        update contribution_people set contribution_occurred_at = new.occurred_at where contribution_id = new.id;
      end`.execute(db);
  }
  await db.schema
    .createIndex("contribution_people_person_time")
    .on("contribution_people")
    .columns(["person_id", "role", "contribution_occurred_at", "contribution_id"])
    .execute();
  await db.schema.dropIndex("contribution_people_person_role").ifExists().execute();

  await db.schema
    .createIndex("stage_activity_window_credit")
    .on("stage_activity")
    .columns(["stage_id", "occurred_at", "person_id", "weight", "day", "contribution_id"])
    .execute();
  await db.schema.dropIndex("stage_activity_window").ifExists().execute();
  await db.schema
    .createIndex("stage_activity_person_credit")
    .on("stage_activity")
    .columns(["person_id", "stage_id", "occurred_at", "contribution_id"])
    .execute();
  await db.schema.dropIndex("stage_activity_person").ifExists().execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("stage_activity_person")
    .on("stage_activity")
    .columns(["person_id", "stage_id", "occurred_at"])
    .execute();
  await db.schema.dropIndex("stage_activity_person_credit").ifExists().execute();
  await db.schema
    .createIndex("stage_activity_window")
    .on("stage_activity")
    .columns(["stage_id", "occurred_at", "person_id", "weight", "day"])
    .execute();
  await db.schema.dropIndex("stage_activity_window_credit").ifExists().execute();
  await db.schema
    .createIndex("contribution_people_person_role")
    .on("contribution_people")
    .columns(["person_id", "role", "contribution_id"])
    .execute();
  await db.schema.dropIndex("contribution_people_person_time").ifExists().execute();
  if (isPostgres(db)) {
    await sql`drop trigger if exists contribution_time on contributions`.execute(db);
    await sql`drop function if exists steward_contribution_time()`.execute(db);
    await sql`drop trigger if exists contribution_people_time on contribution_people`.execute(db);
    await sql`drop function if exists steward_contribution_people_time()`.execute(db);
  } else {
    await sql`drop trigger if exists contribution_time`.execute(db);
    await sql`drop trigger if exists contribution_people_moved`.execute(db);
    await sql`drop trigger if exists contribution_people_time`.execute(db);
  }
  await db.schema.alterTable("contribution_people").dropColumn("contribution_occurred_at").execute();
  await db.schema.createIndex("contribution_files_path").on("contribution_files").column("path").execute();
  await db.schema.dropIndex("contribution_files_path_change").ifExists().execute();
}
