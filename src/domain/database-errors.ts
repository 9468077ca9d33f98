/**
 * Reading PostgreSQL failures out of Prisma errors under driver adapters. Prisma 7 puts no
 * `meta.target` on a unique violation there; the adapter's cause carries the SQLSTATE and the
 * constraint, as `{ index: "<name>" }` (adapter-pg) or `{ fields: [...] }` (PGlite's adapter,
 * identifiers possibly still double-quoted). This module is the one place that knows both forms.
 */

export interface UniqueIndex {
  name: string;
  columns: readonly string[];
}

interface AdapterCause {
  originalCode?: string;
  kind?: string;
  constraint?: { index?: string; fields?: string[] };
}

function adapterCause(error: unknown): AdapterCause | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const meta = (error as { meta?: { driverAdapterError?: { cause?: AdapterCause } } }).meta;
  return meta?.driverAdapterError?.cause;
}

/** The SQLSTATE of a failed statement (e.g. "23505" unique violation), when there is one. */
export function sqlState(error: unknown): string | undefined {
  return adapterCause(error)?.originalCode;
}

/** Which of the candidate unique indexes a unique violation hit; undefined for any other error. */
export function violatedUniqueIndex<T extends UniqueIndex>(error: unknown, candidates: readonly T[]): T | undefined {
  const cause = adapterCause(error);
  if (cause?.originalCode !== "23505" || !cause.constraint) return undefined;
  const { index, fields } = cause.constraint;
  if (index) return candidates.find((candidate) => candidate.name === index);
  if (!fields) return undefined;
  const columns = fields.map((field) => field.replace(/^"|"$/g, "")).join(",");
  return candidates.find((candidate) => candidate.columns.join(",") === columns);
}
