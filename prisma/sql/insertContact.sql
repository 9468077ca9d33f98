-- Checks the workspace and the custom field names, then inserts a contact with its tags and custom
-- values, or nothing (src/contacts/insert-contact-row.ts says how each part works and why).
-- $1, $2: the caller's reach (src/access/workspace-access.ts); $3: the workspace written to;
-- $4-$8: first name, last name, email, phone, timezone; $9: tag names; $10, $11: custom field names and values.
WITH workspace AS (
  SELECT w.id, w.default_timezone FROM workspaces w
  WHERE w.id = $3::uuid AND w.account_id = $1::uuid AND ($2::uuid IS NULL OR w.id = $2::uuid)
), input_values AS (
  SELECT * FROM unnest($10::text[], $11::text[]) AS v(name, value)
), resolved_values AS (
  SELECT v.id AS custom_variable_id, v.name, i.value
  FROM workspace w
  JOIN custom_variables v ON v.workspace_id = w.id AND v.name = ANY($10::text[])
  JOIN input_values i ON i.name = v.name
), allowed AS (
  SELECT w.id, w.default_timezone FROM workspace w
  WHERE (SELECT count(*) FROM resolved_values) = (SELECT count(*) FROM input_values)
), input_tags AS (
  SELECT DISTINCT name, tag_id($3::uuid, name) AS id FROM unnest($9::text[]) AS t(name)
), new_contact AS (
  INSERT INTO contacts (workspace_id, id, first_name, last_name, email, phone, timezone)
  SELECT a.id, gen_random_uuid(), $4, $5, $6, $7, COALESCE($8::text, a.default_timezone)
  FROM allowed a
  RETURNING id, created_at, updated_at, timezone
), created_tags AS (
  -- No conflict target: a tag is unique by its name and by its id (made from the name), and a target
  -- would make only one of them an arbiter; a twin committed in between then fails on the other.
  INSERT INTO tags (workspace_id, id, name)
  SELECT $3::uuid, id, name FROM input_tags
  WHERE EXISTS (SELECT 1 FROM allowed)
  ON CONFLICT DO NOTHING
), links AS (
  INSERT INTO contact_tags (workspace_id, contact_id, tag_id)
  SELECT $3::uuid, c.id, i.id FROM new_contact c CROSS JOIN input_tags i
), custom_values AS (
  INSERT INTO contact_custom_values (workspace_id, contact_id, custom_variable_id, value)
  SELECT $3::uuid, c.id, v.custom_variable_id, v.value
  FROM new_contact c CROSS JOIN resolved_values v
  WHERE v.value IS NOT NULL
)
SELECT EXISTS (SELECT 1 FROM workspace) AS workspace_found,
       (SELECT json_agg(i.name) FROM input_values i
         WHERE NOT EXISTS (SELECT 1 FROM resolved_values r WHERE r.name = i.name)) AS unknown_names,
       c.id, c.created_at, c.updated_at, c.timezone,
       (SELECT json_agg(json_build_object('id', t.id, 'workspaceId', $3::uuid, 'name', t.name))
          FROM input_tags t) AS tags
FROM (SELECT 1) AS one LEFT JOIN new_contact c ON true
