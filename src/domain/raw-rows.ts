/**
 * The rows of a Prisma query (`prisma.$queryRaw`, or a model's `findMany`), in an array of our own.
 *
 * Prisma's promise for a query keeps the query's result reachable until V8's next full
 * collection, however soon the caller is done with it: the promise is an object literal with a
 * getter (`spec`), which V8 (Node.js 20) stores in the old generation, and the getter's closure
 * holds the resolved rows. Young collections cannot free what the old generation points to, so a
 * page's fifty contact texts (about 40 kB) outlived them all and were moved to the old generation,
 * to be freed only by a full collection, which pauses the server. Emptying the array Prisma
 * resolved with leaves it nothing to hold. Used where a query returns contacts; a count or a
 * claimed key is not worth it.
 */
export async function releasedRows<Row>(query: PromiseLike<Row[]>): Promise<Row[]> {
  const resolved = await query;
  const rows = resolved.slice();
  resolved.length = 0;
  return rows;
}
