import { migrateToLatest, type Database } from "../../db/database";
import { seedDemoIfEmpty } from "../demo/seed.server";
import { reclassifyStale } from "../models/classification.server";
import { hasContributions } from "../models/database-contents.server";
import { identitiesStale, resolveStoredIdentities } from "../models/identity.server";
import { refreshBotFlags } from "../models/person.server";
import type { CompiledConfig } from "../stewardship/config";
import { todayUtc } from "../stewardship/metrics";

export interface PrepareReport {
  migrations: string[];
  reclassified: number;
  /** Set when edited identity rules or entries re-resolved who is one person. */
  identities: { merged: number; split: number } | null;
  seededDemo: boolean;
}

/**
 * Everything that must happen before Steward serves a database: migrations, reclassifying whatever an
 * older configuration labelled, and demo data when the database is empty. `npm start`, `npm run dev`
 * and the browser tests' server all go through here.
 */
export async function prepareDatabase(
  db: Database,
  {
    config,
    demoAnchorDate = todayUtc(),
    seedWhenEmpty = true,
    onProgress,
  }: {
    config: CompiledConfig;
    demoAnchorDate?: string;
    seedWhenEmpty?: boolean;
    onProgress?: (message: string) => void;
  },
): Promise<PrepareReport> {
  const migrations = await migrateToLatest(db);
  await refreshBotFlags(db, config);
  const reclassified = await reclassifyStale(db, {
    config,
    onProgress: (done, total) => onProgress?.(`Relabelling contributions: ${done}/${total}`),
  });
  let identities: PrepareReport["identities"] = null;
  if (await identitiesStale(db, config)) {
    // A fresh database has nobody to re-resolve: it only records the rules' version, without saying so.
    if (await hasContributions(db)) onProgress?.("Resolving identities: the identity rules or entries changed");
    const { merged, split } = await resolveStoredIdentities(db, config);
    identities = { merged, split };
  }
  const seededDemo = seedWhenEmpty ? await seedDemoIfEmpty(db, { config, anchorDate: demoAnchorDate }) : false;
  return { migrations, reclassified, identities, seededDemo };
}
