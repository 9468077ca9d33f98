import { loadConfig } from "../config.js";
import { type Database, openDatabase } from "../storage/database.js";
import { migrate } from "../storage/migrations.js";

/** Opens DATABASE_URL and applies pending migrations, so a command works on a brand-new database. */
export async function openMigratedDatabase(): Promise<{ db: Database; applied: string[] }> {
  const db = await openDatabase(loadConfig());
  try {
    return { db, applied: await migrate(db) };
  } catch (error) {
    await db.close();
    throw error;
  }
}
