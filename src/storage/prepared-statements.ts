import { createHash } from "node:crypto";

/**
 * Names SQL statements for PostgreSQL's prepared statement cache, through Prisma's own
 * `statementNameGenerator` hook of @prisma/adapter-pg. A named statement is parsed once per
 * connection and later sent as its name and parameters, not as 2 to 3 kB of text per request.
 *
 * It is planned too: PostgreSQL plans its first five executions with their parameters, then keeps
 * one generic plan when that costs no more (plan_cache_mode auto, its default). Planning was half of
 * PostgreSQL's work for a create. A kept plan is made again whenever a table it reads is analyzed,
 * as autovacuum does while tables grow. The table that grows fastest in a first import, tags, is not
 * read by the write statements at all, since tag ids are computed (migration tag_ids_from_names):
 * a plan kept from when it was small scanned it whole.
 *
 * The same text always gets the same name (a hash), so the pool's connections agree. Statements
 * past `limit` distinct texts stay unnamed: `pg` and the server keep every named statement for the
 * life of a connection, and a query whose text varies (an IN list of changing length) must not
 * grow that cache without bound.
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
