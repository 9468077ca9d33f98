/** The same server as `url`, another database. */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A database on the same server to run CREATE/DROP DATABASE from. */
export function adminUrl(url: string): string {
  return databaseUrl(url, "postgres");
}
