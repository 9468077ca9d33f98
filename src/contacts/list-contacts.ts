import type { Caller } from "../access/api-keys.js";
import { isUuid, visibleContactSql } from "../access/workspace-access.js";
import { ValidationFailed } from "../errors/domain-errors.js";
import { IssueCollector } from "../errors/validation-issues.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { type ContactRecord, findNewestContactRecords } from "./contact-record.js";
import { MAX_EMAIL_LENGTH } from "./rules/email.js";
import { MAX_E164_LENGTH } from "./rules/phone.js";
import { MAX_TAG_LENGTH } from "./rules/tags.js";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** What a person types into a search box. Longer searches cost more and can match nothing more useful. */
export const MAX_SEARCH_LENGTH = 100;
/** Far above what encodeCursor writes (about 90 characters). */
const MAX_CURSOR_LENGTH = 200;

export interface ContactFilter {
  /** Exact tag name (case-sensitive). */
  tag?: string | null;
  /** Exact email, compared case-insensitively. */
  email?: string | null;
  /** Exact E.164 phone. */
  phone?: string | null;
  /** Case-insensitive substring of first name, last name or email; blank counts as not given. */
  search?: string | null;
}

/** The filter's values as they are compared (search trimmed, null when blank; email lowercased). */
interface CheckedFilter {
  tag: string | null;
  email: string | null;
  phone: string | null;
  search: string | null;
}

/**
 * Every free-text filter is bounded by what the field can store (tags 255, emails 254, phones 16
 * characters) and search by what a person types, so that no filter costs more than a real one.
 */
function checkFilter(filter: ContactFilter, issues: IssueCollector): CheckedFilter {
  const bounded = (key: keyof ContactFilter, value: string | null | undefined, max: number): string | null => {
    if (value == null) return null;
    if (value.length > max) issues.add(["filter", key], "TOO_LONG", `filter.${key} must be at most ${max} characters`);
    return value;
  };
  const search = filter.search?.trim() || null;
  return {
    tag: bounded("tag", filter.tag, MAX_TAG_LENGTH),
    email: bounded("email", filter.email?.trim().toLowerCase(), MAX_EMAIL_LENGTH),
    phone: bounded("phone", filter.phone, MAX_E164_LENGTH),
    search: bounded("search", search, MAX_SEARCH_LENGTH),
  };
}

export interface ListContactsArgs {
  workspaceId?: string | null;
  first?: number | null;
  after?: string | null;
  filter?: ContactFilter | null;
}

export interface ContactPage {
  contacts: { contact: ContactRecord; cursor: string }[];
  hasNextPage: boolean;
  /** Counted only when asked for: a count over a large workspace costs more than the page. */
  totalCount: () => Promise<number>;
}

/** A cursor names a position in the newest-first order: (createdAt, id), which is unique. */
export function encodeCursor(contact: Pick<ContactRecord, "createdAt" | "id">): string {
  return Buffer.from(JSON.stringify([contact.createdAt.toISOString(), contact.id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    if (cursor.length > MAX_CURSOR_LENGTH) throw new RangeError("too long for a cursor");
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    const date = new Date(createdAt);
    // Only what encodeCursor writes: a plain ISO instant of years 0001-9999, which PostgreSQL holds
    // (it has no year 0: "0000-01-01" fails the statement).
    const isOurInstant =
      typeof createdAt === "string" &&
      /^\d{4}-/.test(createdAt) &&
      !Number.isNaN(date.getTime()) &&
      date.getUTCFullYear() >= 1 &&
      date.toISOString() === createdAt;
    if (isOurInstant && typeof id === "string" && isUuid(id)) {
      return { createdAt: date, id };
    }
  } catch {
    // fall through: not a cursor of ours
  }
  throw new ValidationFailed([
    { path: ["after"], code: "INVALID_CURSOR", message: "after must be a cursor from a previous page" },
  ]);
}

/** Escapes LIKE wildcards so that a search for "50%" means those three characters. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * A page of live contacts the caller can see, newest first. `first` is clamped to 0..100
 * (default 20). A workspaceId the caller cannot reach (or a malformed one) yields an empty page.
 */
export async function listContacts(prisma: PrismaClient, caller: Caller, args: ListContactsArgs): Promise<ContactPage> {
  const pageSize = Math.min(Math.max(args.first ?? DEFAULT_PAGE_SIZE, 0), MAX_PAGE_SIZE);
  const conditions: Prisma.Sql[] = [visibleContactSql(caller)];
  if (args.workspaceId != null) {
    if (!isUuid(args.workspaceId)) return { contacts: [], hasNextPage: false, totalCount: async () => 0 };
    conditions.push(Prisma.sql`c.workspace_id = ${args.workspaceId.toLowerCase()}::uuid`);
  }
  const issues = new IssueCollector();
  const filter = checkFilter(args.filter ?? {}, issues);
  issues.throwIfAny();
  if (filter.tag != null) {
    conditions.push(Prisma.sql`EXISTS (
      SELECT 1 FROM contact_tags l JOIN tags t ON t.workspace_id = l.workspace_id AND t.id = l.tag_id
       WHERE l.workspace_id = c.workspace_id AND l.contact_id = c.id AND t.name = ${filter.tag})`);
  }
  if (filter.email != null) conditions.push(Prisma.sql`c.email = ${filter.email}`);
  if (filter.phone != null) conditions.push(Prisma.sql`c.phone = ${filter.phone}`);
  if (filter.search != null) {
    // Served by the trigram indexes on the three columns (migration contact_search_trigrams).
    const pattern = `%${likeLiteral(filter.search)}%`;
    conditions.push(
      Prisma.sql`(c.first_name ILIKE ${pattern} OR c.last_name ILIKE ${pattern} OR c.email ILIKE ${pattern})`,
    );
  }
  const where = Prisma.join(conditions, " AND ");
  const after = args.after ? decodeCursor(args.after) : null;
  const pageWhere = after
    ? // Stated so that the (workspace, created_at desc, id desc) index bounds the scan.
      Prisma.sql`${where} AND c.created_at <= ${after.createdAt}
        AND (c.created_at < ${after.createdAt} OR c.id < ${after.id}::uuid)`
    : where;
  const rows = pageSize === 0 ? [] : await findNewestContactRecords(prisma, pageWhere, pageSize + 1);
  let count: Promise<number> | undefined;
  const totalCount = () => {
    count ??= prisma.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS count FROM contacts c WHERE ${where}`.then(
      (result) => result[0]?.count ?? 0,
    );
    return count;
  };
  const contacts = rows.slice(0, pageSize).map((contact) => ({ contact, cursor: encodeCursor(contact) }));
  return { contacts, hasNextPage: rows.length > pageSize, totalCount };
}
