import { randomUUID } from "node:crypto";
import type { ContactConflict } from "../../errors/domain-errors.js";
import type { ContactFieldValues } from "../contact-input.js";
import type { CustomValueInput } from "../rules/custom-fields.js";
import { deriveTimezone } from "../rules/timezone.js";
import type { TagRecord } from "../tags.js";

/**
 * A batch import, worked out in memory before anything is written: each row applied in order to the
 * contacts it can touch (those already holding one of the batch's emails or phones, and those the
 * batch creates), by the rules a single create or upsert follows. The plan is each row's outcome and
 * the end state of every contact touched, which one statement then writes (import-statements.ts).
 */

export type ImportMode = "CREATE" | "UPSERT";

export type ScalarField = "firstName" | "lastName" | "email" | "phone" | "timezone";
const SCALAR_FIELDS: readonly ScalarField[] = ["firstName", "lastName", "email", "phone", "timezone"];

export type ContactFields = Record<ScalarField, string | null>;

/** A live contact the batch was planned against, as loaded. */
export interface MatchedContact extends ContactFields {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  tags: TagRecord[];
  customValues: StoredCustomValue[];
}

export interface StoredCustomValue {
  customVariableId: string;
  name: string;
  value: string;
}

/** A row whose fields and custom field names passed. */
export interface PlannedRow {
  index: number;
  values: ContactFieldValues;
  tagNames: string[];
  customValues: CustomValueInput[];
}

/** A contact as it is after one row: the state the row's outcome reports. */
export interface ContactState extends ContactFields {
  id: string;
  /** Null for a contact this batch creates: the write gives it its time. */
  createdAt: Date | null;
  tagNames: string[];
  customFields: { name: string; value: string }[];
}

export type PlannedOutcome =
  | { kind: "created" | "updated"; contact: ContactState }
  | { kind: "conflict"; conflicts: ContactConflict[] };

/** A contact the batch creates or changes, as it ends up. */
export interface TouchedContact extends ContactFields {
  id: string;
  isNew: boolean;
  /** Every tag name it ends with that it did not have before: links to add. */
  addedTagNames: Set<string>;
  /** Custom values by variable id, as they end up. */
  customValues: Map<string, { name: string; value: string }>;
  /** Variable ids whose value the batch set: values to write. */
  setVariableIds: Set<string>;
  /** Variable ids whose stored value the batch cleared. */
  clearedVariableIds: Set<string>;
}

export interface ImportPlan {
  outcomes: Map<number, PlannedOutcome>;
  /** In the order first touched. */
  touched: TouchedContact[];
}

interface Draft extends TouchedContact {
  createdAt: Date | null;
  tagNames: Set<string>;
}

export function planImport(
  rows: readonly PlannedRow[],
  matches: readonly MatchedContact[],
  options: { mode: ImportMode; preserveExisting: boolean; defaultTimezone: string | null },
): ImportPlan {
  const byEmail = new Map<string, Draft>();
  const byPhone = new Map<string, Draft>();
  const touched = new Map<string, Draft>();
  for (const match of matches) {
    const draft: Draft = {
      ...pickFields(match),
      id: match.id,
      isNew: false,
      createdAt: match.createdAt,
      tagNames: new Set(match.tags.map((tag) => tag.name)),
      addedTagNames: new Set(),
      customValues: new Map(match.customValues.map((v) => [v.customVariableId, { name: v.name, value: v.value }])),
      setVariableIds: new Set(),
      clearedVariableIds: new Set(),
    };
    if (draft.email) byEmail.set(draft.email, draft);
    if (draft.phone) byPhone.set(draft.phone, draft);
  }
  const holders = (fields: { email?: string | null; phone?: string | null }, except?: Draft): ContactConflict[] => {
    const conflicts: ContactConflict[] = [];
    const emailHolder = fields.email ? byEmail.get(fields.email) : undefined;
    if (emailHolder && emailHolder !== except) conflicts.push({ field: "EMAIL", existingContactId: emailHolder.id });
    const phoneHolder = fields.phone ? byPhone.get(fields.phone) : undefined;
    if (phoneHolder && phoneHolder !== except) conflicts.push({ field: "PHONE", existingContactId: phoneHolder.id });
    return conflicts;
  };
  const index = (draft: Draft, before: ContactFields) => {
    for (const [key, map] of [
      ["email", byEmail],
      ["phone", byPhone],
    ] as const) {
      const old = before[key];
      if (old === draft[key]) continue;
      if (old && map.get(old) === draft) map.delete(old);
      const value = draft[key];
      if (value) map.set(value, draft);
    }
    touched.set(draft.id, draft);
  };

  const outcomes = new Map<number, PlannedOutcome>();
  for (const row of rows) {
    const match =
      options.mode === "UPSERT"
        ? ((row.values.phone ? byPhone.get(row.values.phone) : undefined) ??
          (row.values.email ? byEmail.get(row.values.email) : undefined))
        : undefined;
    if (!match) {
      // A create: refused when a live contact holds its email or phone.
      const conflicts = holders(row.values);
      if (conflicts.length > 0) {
        outcomes.set(row.index, { kind: "conflict", conflicts });
        continue;
      }
      const draft = newDraft(row, options.defaultTimezone);
      index(draft, { firstName: null, lastName: null, email: null, phone: null, timezone: null });
      outcomes.set(row.index, { kind: "created", contact: stateOf(draft) });
      continue;
    }
    // An upsert's match: given fields overwrite (or, preserving, only fill); the timezone is never derived.
    const next = pickFields(match);
    for (const key of SCALAR_FIELDS) {
      if (!(key in row.values)) continue;
      if (options.preserveExisting && match[key] !== null) continue;
      next[key] = row.values[key] ?? null;
    }
    // A unique index refuses only a value another contact holds; the conflict then names the holders
    // of the values given, as upsertContact's does.
    if (holders(next, match).length > 0) {
      outcomes.set(row.index, { kind: "conflict", conflicts: holders(row.values, match) });
      continue;
    }
    const before = pickFields(match);
    Object.assign(match, next);
    for (const name of row.tagNames) {
      if (!match.tagNames.has(name)) {
        match.tagNames.add(name);
        match.addedTagNames.add(name);
      }
    }
    for (const { customVariableId, name, value } of row.customValues) {
      const stored = match.customValues.has(customVariableId);
      if (options.preserveExisting && (stored || value === null)) continue;
      if (value === null) {
        match.customValues.delete(customVariableId);
        match.setVariableIds.delete(customVariableId);
        // What this batch created has nothing stored to clear.
        if (!match.isNew) match.clearedVariableIds.add(customVariableId);
      } else {
        match.customValues.set(customVariableId, { name, value });
        match.setVariableIds.add(customVariableId);
        match.clearedVariableIds.delete(customVariableId);
      }
    }
    index(match, before);
    outcomes.set(row.index, { kind: "updated", contact: stateOf(match) });
  }
  return { outcomes, touched: [...touched.values()] };
}

function pickFields(contact: ContactFields): ContactFields {
  const { firstName, lastName, email, phone, timezone } = contact;
  return { firstName, lastName, email, phone, timezone };
}

/** A create's contact: the values given, the timezone given or else derived (as createContact does). */
function newDraft(row: PlannedRow, defaultTimezone: string | null): Draft {
  const { values } = row;
  const phone = values.phone ?? null;
  const customValues = new Map<string, { name: string; value: string }>();
  for (const { customVariableId, name, value } of row.customValues) {
    if (value !== null) customValues.set(customVariableId, { name, value });
  }
  return {
    id: randomUUID(),
    isNew: true,
    createdAt: null,
    firstName: values.firstName ?? null,
    lastName: values.lastName ?? null,
    email: values.email ?? null,
    phone,
    timezone: values.timezone ?? deriveTimezone(phone, defaultTimezone),
    tagNames: new Set(row.tagNames),
    addedTagNames: new Set(row.tagNames),
    customValues,
    setVariableIds: new Set(customValues.keys()),
    clearedVariableIds: new Set(),
  };
}

function stateOf(draft: Draft): ContactState {
  return {
    ...pickFields(draft),
    id: draft.id,
    createdAt: draft.createdAt,
    tagNames: [...draft.tagNames],
    customFields: [...draft.customValues.values()],
  };
}
