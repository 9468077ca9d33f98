-- Writes a planned batch import, or nothing when a contact it was planned against changed meanwhile
-- (src/contacts/import/import-statements.ts says how and why).
-- $1: the workspace; $2, $3: the planned-against contacts' ids and updated_at;
-- $4-$9: new contacts (ids, first names, last names, emails, phones, timezones);
-- $10-$15: changed contacts, the same columns as they end up; $16, $17: (contact id, tag name) links;
-- $18-$20: (contact id, variable id, value) to set; $21, $22: (contact id, variable id) to clear.
WITH locked AS (
  SELECT c.id, c.updated_at FROM contacts c
  WHERE c.workspace_id = $1::uuid AND c.id = ANY($2::uuid[]) AND c.deleted_at IS NULL
  FOR UPDATE
), unchanged AS (
  SELECT count(*) = cardinality($2::uuid[]) AS ok
  FROM locked l JOIN unnest($2::uuid[], $3::timestamptz[]) AS e(id, updated_at)
    ON e.id = l.id AND e.updated_at = l.updated_at
), new_contacts AS (
  INSERT INTO contacts (workspace_id, id, first_name, last_name, email, phone, timezone)
  SELECT $1::uuid, n.id, n.first_name, n.last_name, n.email, n.phone, n.timezone
  FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
    AS n(id, first_name, last_name, email, phone, timezone)
  WHERE (SELECT ok FROM unchanged)
), changed_contacts AS (
  UPDATE contacts c
  SET first_name = u.first_name, last_name = u.last_name, email = u.email, phone = u.phone,
      timezone = u.timezone, updated_at = now()
  FROM unnest($10::uuid[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
    AS u(id, first_name, last_name, email, phone, timezone)
  WHERE c.workspace_id = $1::uuid AND c.id = u.id AND (SELECT ok FROM unchanged)
), link_names AS (
  SELECT DISTINCT l.contact_id, l.name FROM unnest($16::uuid[], $17::text[]) AS l(contact_id, name)
  WHERE (SELECT ok FROM unchanged)
), created_tags AS (
  -- No conflict target, as in insertContact.sql: either of a tag's unique indexes may meet a twin.
  INSERT INTO tags (workspace_id, id, name)
  SELECT DISTINCT $1::uuid, tag_id($1::uuid, name), name FROM link_names
  ON CONFLICT DO NOTHING
), links AS (
  INSERT INTO contact_tags (workspace_id, contact_id, tag_id)
  SELECT $1::uuid, contact_id, tag_id($1::uuid, name) FROM link_names
  ON CONFLICT DO NOTHING
), set_values AS (
  INSERT INTO contact_custom_values (workspace_id, contact_id, custom_variable_id, value)
  SELECT $1::uuid, v.contact_id, v.custom_variable_id, v.value
  FROM unnest($18::uuid[], $19::uuid[], $20::text[]) AS v(contact_id, custom_variable_id, value)
  WHERE (SELECT ok FROM unchanged)
  ON CONFLICT (workspace_id, contact_id, custom_variable_id) DO UPDATE SET value = EXCLUDED.value
), cleared_values AS (
  DELETE FROM contact_custom_values cv
  USING unnest($21::uuid[], $22::uuid[]) AS x(contact_id, custom_variable_id)
  WHERE cv.workspace_id = $1::uuid AND cv.contact_id = x.contact_id
    AND cv.custom_variable_id = x.custom_variable_id AND (SELECT ok FROM unchanged)
)
SELECT (SELECT ok FROM unchanged) AS written,
       now()::timestamptz(3) AS written_at,
       (SELECT json_object_agg(name, tag_id($1::uuid, name))
          FROM (SELECT DISTINCT name FROM unnest($17::text[]) AS n(name)) AS names) AS tag_ids
