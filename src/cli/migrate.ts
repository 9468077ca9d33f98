// `npm run db:migrate`: applies pending migrations to DATABASE_URL and says which.
import { openMigratedDatabase } from "./open-migrated.js";

try {
  const { db, applied } = await openMigratedDatabase();
  await db.close();
  console.log(applied.length > 0 ? `Applied: ${applied.join(", ")}` : "Database is up to date");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
