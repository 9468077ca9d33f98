import { createHash } from "node:crypto";

/**
 * Names SQL statements for PostgreSQL's prepared statement cache, through Prisma's own
 * `statementNameGenerator` hook of @prisma/adapter-pg. A named statement is parsed once per
 * connection and later sent as its name and parameters, not as 2 to 3 kB of text per request; it
 * is still planned at every execution (db.ts sets plan_cache_mode). The same text always gets the
 * same name (a hash), so the pool's connections agree. Statements past `limit` distinct texts stay
 * unnamed: `pg` and the server keep every named statement for the life of a connection, and a
 * query whose text varies (an IN list of changing length) must not grow that cache without bound.
 */
export function createStatementNamer(limit: number): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    const known = names.get(sql);
    if (known !== undefined) return known;
    if (names.size >= limit) return ""; // pg sends an empty name as the unnamed statement.
    const name = `s_${createHash("sha1").update(sql).digest("base64url")}`;
    names.set(sql, name);
    return name;
  };
}
