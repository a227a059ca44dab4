// `node --import tsx tests/support/migrate-at.ts <file> <epoch ms>`: migrates `file` at that instant,
// so processes started one after another reach the migrations together (tsx takes a varying while to load).
import { migrateToLatest, openDatabase } from "../../db/database";

const [file, at] = process.argv.slice(2);
if (!file || !at) throw new Error("usage: migrate-at.ts <file> <epoch ms>");
const db = openDatabase(file);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(at) - Date.now())));
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `applied ${applied.length}` : "up to date");
} finally {
  await db.destroy();
}
