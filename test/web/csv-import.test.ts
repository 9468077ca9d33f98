import { describe, expect, it } from "vitest";
import { chunks, parseContactsCsv, TAGS_ISSUE } from "../../examples/web/src/csv-import.js";

/** The example app's CSV → importContacts rows mapping (examples/web/src/csv-import.ts), without a browser. */
describe("example app: parseContactsCsv", () => {
  const HEADER = "id,firstName,lastName,email,phone,timezone,tags,createdAt,updatedAt,Lead Source,Plan";

  it("maps the export-contacts columns, ignores id and the timestamps, and leaves empty cells out", () => {
    const parsed = parseContactsCsv(
      `${HEADER}\n00000000-0000-4000-8000-000000000000,Ada,,ada@example.com,+12125550123,Europe/London,"[""VIP"",""a, b""]",2020-01-01T00:00:00.000Z,2020-01-01T00:00:00.000Z,Webinar,\n`,
    );
    expect(parsed).toEqual({
      ok: true,
      customColumns: ["Lead Source", "Plan"],
      rejected: [],
      rows: [
        {
          line: 2,
          input: {
            firstName: "Ada",
            email: "ada@example.com",
            phone: "+12125550123",
            timezone: "Europe/London",
            tags: ["VIP", "a, b"],
            customFields: { "Lead Source": "Webinar" },
          },
        },
      ],
    });
  });

  it("ignores the _line and _errors columns of the admin import's rejected file", () => {
    const parsed = parseContactsCsv('_line,_errors,email\n5,"email: not an address",fixed@example.com\n');
    expect(parsed.ok && parsed.rows).toEqual([{ line: 2, input: { email: "fixed@example.com" } }]);
  });

  it("counts the lines a row starts on past quoted line breaks, a BOM, CRLF and blank lines", () => {
    const csv =
      '\uFEFFemail,Note\r\na@example.com,"one\r\ntwo, ""three"""\r\n\r\nb@example.com,\r\nc@example.com,x\r\n';
    const parsed = parseContactsCsv(csv);
    expect(parsed.ok && parsed.rows).toEqual([
      { line: 2, input: { email: "a@example.com", customFields: { Note: 'one\r\ntwo, "three"' } } },
      { line: 5, input: { email: "b@example.com" } },
      { line: 6, input: { email: "c@example.com", customFields: { Note: "x" } } },
    ]);
  });

  it("rejects a row whose tags are not a JSON array of strings, or whose cells do not match the header", () => {
    const parsed = parseContactsCsv(
      'email,tags\na@example.com,VIP\nb@example.com,"[1]"\nc@example.com,[]\nd@example.com\n',
    );
    expect(parsed.ok && parsed.rejected).toEqual([
      { line: 2, email: "a@example.com", phone: undefined, issues: [{ path: "tags", message: TAGS_ISSUE }] },
      { line: 3, email: "b@example.com", phone: undefined, issues: [{ path: "tags", message: TAGS_ISSUE }] },
      {
        line: 5,
        email: "d@example.com",
        phone: undefined,
        issues: [{ path: "row", message: "has 1 cell where the header has 2" }],
      },
    ]);
    expect(parsed.ok && parsed.rows).toEqual([{ line: 4, input: { email: "c@example.com" } }]);
  });

  it("refuses a file that is not a well-formed contacts CSV", () => {
    const refused = (csv: string) => {
      const parsed = parseContactsCsv(csv);
      return parsed.ok ? null : parsed.message;
    };
    expect(refused('email\na@example.com\n"b@example.com\n')).toMatch(
      /^This is not a well-formed CSV file: .+\(line 3\)\.$/,
    );
    expect(refused("")).toMatch(/empty/);
    expect(refused("email\n")).toMatch(/no contacts/);
    expect(refused("email,,phone\n")).toBe("Column 2 of the header row has no name.");
    expect(refused("email,email\n")).toBe('The header row names the column "email" twice.');
    expect(refused("a;b\n1;2\n")).toMatch(/not a contacts CSV/);
  });

  it("cuts rows into batches", () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 1000)).toEqual([]);
  });
});
