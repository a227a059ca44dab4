import type { ColumnType, Generated, Insertable } from "kysely";

/** ISO-8601 UTC timestamps (`2026-03-17T10:04:00Z`) sort and compare as text, in SQLite and PostgreSQL alike. */
type Timestamp = string;

export type ContributionKind = "commit" | "pull_request" | "review" | "issue";
export type ContributionSource = "git" | "github" | "demo";
export type ContributionRole = "author" | "co-author" | "reviewer";
export type PullRequestState = "open" | "closed" | "merged";
/** How git says a commit changed a file: added, modified, deleted, renamed, copied (T, a type change, is M). */
export type FileStatus = "A" | "M" | "D" | "R" | "C";
export type IdentityKind = "email" | "login" | "name";
/** How a starter task was claimed: assigned on GitHub, named by an open pull request, or asked for in a comment. */
export type ClaimKind = "assignee" | "pull-request" | "comment";

export interface PeopleTable {
  id: Generated<number>;
  login: string | null;
  name: string;
  isBot: ColumnType<number, number | undefined, number>;
  avatarUrl: string | null;
  createdAt: ColumnType<Timestamp, Timestamp | undefined, never>;
}

/** Every way a person has appeared (e-mail, GitHub login, name). E-mails live only here and never leave the server. */
export interface IdentitiesTable {
  id: Generated<number>;
  personId: number;
  kind: IdentityKind;
  value: string;
  /** The name this identity was (first) seen with. */
  name: ColumnType<string | null, string | null | undefined, string | null>;
  /** The GitHub login seen with it: its own value for a login, a noreply address's, or GitHub's link of a commit author. */
  login: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ContributionsTable {
  id: Generated<number>;
  kind: ContributionKind;
  source: ContributionSource;
  sha: string | null;
  prNumber: number | null;
  title: string;
  occurredAt: Timestamp;
  /** JSON array of referenced issue numbers, e.g. `[134584]`. */
  refs: string;
  /** JSON array of label names. */
  labels: string;
  additions: number;
  deletions: number;
  fileCount: number;
  /** GitHub's updatedAt of the pull request whose details this contribution holds (GitHub sync). */
  prUpdatedAt: ColumnType<string | null, string | null | undefined, string | null>;
  /** GitHub's state of a pull request; null for commits and PRs stored before it was kept. */
  prState: ColumnType<PullRequestState | null, PullRequestState | null | undefined, PullRequestState | null>;
  /** When the pull request was opened (GitHub sync, webhooks, the demo); null for a commit git alone knows. */
  openedAt: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
  /** When it landed on the branch: a commit's own time, a merged PR's merge; null for an open PR. */
  mergedAt: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
}

export interface ContributionFilesTable {
  contributionId: number;
  path: string;
  /** null for binary files, which git reports as `-`. */
  added: number | null;
  deleted: number | null;
  previousPath: string | null;
  /** git's change letter (A, M, D, R, C); null when unknown (GitHub's files, older imports). */
  status: ColumnType<FileStatus | null, FileStatus | null | undefined, FileStatus | null>;
}

export interface ContributionPeopleTable {
  contributionId: number;
  personId: number;
  role: ContributionRole;
  /** How much this person's part counts toward the maintainer rule; see activityWeight. */
  weight: ColumnType<number, number | undefined, number>;
  /** When this person's part happened, if not at the contribution's time (a review's submission). */
  occurredAt: ColumnType<string | null, string | null | undefined, string | null>;
  /** The identity this part was credited under, so identity resolution can move it to another person. */
  identityId: ColumnType<number | null, number | null | undefined, number | null>;
  /**
   * The contribution's `occurredAt`, copied so "what did this person author before a day" is one index
   * seek. Triggers (migration 0019) set it on insert when not given and follow the contribution's changes.
   */
  contributionOccurredAt: ColumnType<Timestamp, Timestamp | undefined, never>;
}

/** The classifier's verdict for one contribution under one configuration version, with its evidence. */
export interface ClassificationsTable {
  contributionId: number;
  configVersion: string;
  /** JSON: the classifier's `Evidence[]`. */
  evidence: string;
}

export interface ContributionStagesTable {
  contributionId: number;
  stageId: string;
  score: number;
}

/**
 * One row per (stage, contribution, person) that counts toward the maintainer rule: the table the
 * bus-factor aggregations scan, indexed by (stage, time). Derived from the three tables above.
 */
export interface StageActivityTable {
  stageId: string;
  contributionId: number;
  personId: number;
  occurredAt: Timestamp;
  /** Days since 1970-01-01 UTC of `occurredAt`. */
  day: number;
  weight: number;
}

export interface StarterTasksTable {
  id: Generated<number>;
  /** `134584#3` for the third checklist item of gh-134584, `140001` for a whole issue. */
  key: string;
  stageId: string | null;
  issueNumber: number;
  umbrellaNumber: number | null;
  title: string;
  state: "open" | "done";
  claimedByPersonId: number | null;
  /** Null when nobody has claimed the task. */
  claimKind: ColumnType<ClaimKind | null, ClaimKind | null | undefined, ClaimKind | null>;
  claimEvidence: string | null;
  /** When a claim by comment was made (it lapses after CLAIM_DAYS); null for assignments and open PRs. */
  claimedAt: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
  labels: string;
  source: ContributionSource;
  updatedAt: Timestamp;
}

export interface ImportRunsTable {
  id: Generated<number>;
  source: string;
  startedAt: Timestamp;
  finishedAt: Timestamp | null;
  status: "running" | "done" | "failed";
  added: number;
  message: string | null;
}

/** Small key/value facts: the configuration version labels were made with, the current git cursor, demo mode. */
export interface MetaTable {
  key: string;
  value: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  event: string;
  receivedAt: Timestamp;
}

/** A signed-in person's session; the cookie holds the id, the table only its SHA-256. */
export interface SessionsTable {
  idHash: string;
  login: string;
  personId: number | null;
  /** The token every form of this session carries (CSRF). */
  csrfToken: string;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  revokedAt: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
}

export type MentoringPlanStatus = "active" | "paused" | "done" | "dropped";

export interface MentoringPlansTable {
  id: Generated<number>;
  stageId: string;
  mentorPersonId: number;
  menteePersonId: number;
  aim: string;
  status: MentoringPlanStatus;
  notes: string;
  createdAt: Timestamp;
  createdBy: string;
  updatedAt: Timestamp;
  updatedBy: string;
}

/** A starter task a mentoring plan picked for its mentee, by the task's key. */
export interface MentoringPlanTasksTable {
  planId: number;
  taskKey: string;
}

/** A stage's goal as a steward set it: `target` maintainers by `dueOn` (YYYY-MM-DD). */
export interface StageGoalsTable {
  stageId: string;
  target: number;
  dueOn: string;
  updatedAt: Timestamp;
  updatedBy: string;
}

/** One write by a signed-in person: who, when, what, and the subject as JSON before and after. */
export interface AuditEventsTable {
  id: Generated<number>;
  occurredAt: Timestamp;
  login: string;
  action: string;
  /** What was written, e.g. `mentoring-plan 3`. */
  subject: string;
  stageId: string | null;
  before: string | null;
  after: string | null;
}

/** A person an audit event is about, so the trail can be filtered by person. */
export interface AuditEventPeopleTable {
  eventId: number;
  personId: number;
}

/**
 * A steward's correction of one contribution's stages, which stands in for the classifier's verdict
 * until it is undone; the newest one not undone counts.
 */
export interface StageCorrectionsTable {
  id: Generated<number>;
  contributionId: number;
  /** JSON array of stage ids; `[]` sets "no stage". */
  stages: string;
  reason: string;
  createdBy: string;
  createdAt: Timestamp;
  undoneAt: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
  undoneBy: ColumnType<string | null, string | null | undefined, string | null>;
}

export type IdentityCorrectionKind = "merge" | "split";

/**
 * A steward's correction of identity resolution (see migration 0011). `identities` and `splitOff` are
 * JSON arrays of `{ key, shown }`: the key as the configuration's `identities` entries are written (an
 * e-mail address, `@login` or a name), and the name or login to show for it, never an e-mail address.
 */
export interface IdentityCorrectionsTable {
  id: Generated<number>;
  kind: IdentityCorrectionKind;
  /** A merge: every identity joined; a split: the identities that stay with the person. */
  identities: string;
  /** A split: the identities that are someone else; `[]` for a merge. */
  splitOff: ColumnType<string, string | undefined, string>;
  reason: string;
  createdBy: string;
  createdAt: Timestamp;
  undoneAt: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
  undoneBy: ColumnType<string | null, string | null | undefined, string | null>;
}

/** The CODEOWNERS file a source last read: where it was found and at which revision. */
export interface CodeownersTable {
  /** `git:<git dir>#<branch>` or `github:<owner>/<repo>`. */
  source: string;
  /** `.github/CODEOWNERS`, `CODEOWNERS` or `docs/CODEOWNERS`. */
  path: string;
  /** The commit (git) or blob sha (GitHub) read. */
  revision: string;
  text: string;
  readAt: Timestamp;
}

export type JobOutcome = "running" | "ok" | "failed" | "skipped";

/** One attempt of a scheduled job (see migration 0016). */
export interface JobRunsTable {
  id: Generated<number>;
  job: string;
  /** Ties a tick's attempts together: the timer's tick, or pg-boss's job id. */
  runKey: string;
  /** The tick this run belongs to. */
  scheduledFor: Timestamp;
  attempt: number;
  startedAt: Timestamp;
  finishedAt: Timestamp | null;
  outcome: JobOutcome;
  error: string | null;
  /** 1 when this failed attempt was the last: the run was given up on. */
  deadLetter: ColumnType<number, number | undefined, number>;
  /** host:pid of the process that ran it. */
  instance: string;
}

/** Each scheduled job's interval and next tick, as its scheduler last wrote them. */
export interface JobSchedulesTable {
  job: string;
  scheduler: "timer" | "pg-boss";
  everyMs: number;
  nextRunAt: Timestamp;
  updatedAt: Timestamp;
}

/** A job run on demand, waiting or running, on SQLite (see migration 0018). */
export interface JobQueueTable {
  id: Generated<number>;
  job: string;
  /** What the run is for, e.g. a pull request's number: one queued and one running row per key. */
  key: string;
  state: "queued" | "running";
  /** Attempts started so far. */
  attempts: ColumnType<number, number | undefined, number>;
  queuedAt: Timestamp;
  /** Not before: a retry's backoff. */
  runAfter: Timestamp;
  startedAt: Timestamp | null;
  /** host:pid of the process running it. */
  instance: string | null;
}

export interface DB {
  people: PeopleTable;
  identities: IdentitiesTable;
  contributions: ContributionsTable;
  contributionFiles: ContributionFilesTable;
  contributionPeople: ContributionPeopleTable;
  classifications: ClassificationsTable;
  contributionStages: ContributionStagesTable;
  stageActivity: StageActivityTable;
  starterTasks: StarterTasksTable;
  importRuns: ImportRunsTable;
  meta: MetaTable;
  webhookDeliveries: WebhookDeliveriesTable;
  sessions: SessionsTable;
  mentoringPlans: MentoringPlansTable;
  mentoringPlanTasks: MentoringPlanTasksTable;
  stageGoals: StageGoalsTable;
  auditEvents: AuditEventsTable;
  auditEventPeople: AuditEventPeopleTable;
  stageCorrections: StageCorrectionsTable;
  identityCorrections: IdentityCorrectionsTable;
  codeowners: CodeownersTable;
  jobRuns: JobRunsTable;
  jobSchedules: JobSchedulesTable;
  jobQueue: JobQueueTable;
}

export type NewStarterTask = Insertable<StarterTasksTable>;
