-- Finds and changes a live contact, and returns it as it now is (src/contacts/update-contact-row.ts).
-- $1: workspace; $2: contact id, or $3, $4: the phone (first) or email it holds; $5: fill only what is empty;
-- $6-$10: whether first name, last name, email, phone, timezone are given; $11-$15: their values;
-- $16, $17: tag names to add, to remove; $18-$20: custom values to set (variable ids, names, values);
-- $21: variable ids whose values are cleared.
WITH target AS (
  SELECT id FROM contacts
  WHERE workspace_id = $1::uuid AND deleted_at IS NULL
    AND (id = $2::uuid OR phone = $3::text OR email = $4::text)
  ORDER BY (phone = $3::text) IS TRUE DESC
  LIMIT 1
  FOR UPDATE
), updated AS (
  UPDATE contacts SET
    first_name = CASE WHEN $6::boolean AND NOT ($5::boolean AND first_name IS NOT NULL)
                      THEN $11 ELSE first_name END,
    last_name  = CASE WHEN $7::boolean AND NOT ($5::boolean AND last_name IS NOT NULL)
                      THEN $12 ELSE last_name END,
    email      = CASE WHEN $8::boolean AND NOT ($5::boolean AND email IS NOT NULL)
                      THEN $13 ELSE email END,
    phone      = CASE WHEN $9::boolean AND NOT ($5::boolean AND phone IS NOT NULL)
                      THEN $14 ELSE phone END,
    timezone   = CASE WHEN $10::boolean AND NOT ($5::boolean AND timezone IS NOT NULL)
                      THEN $15 ELSE timezone END,
    updated_at = now()
  WHERE workspace_id = $1::uuid AND id = (SELECT id FROM target) AND deleted_at IS NULL
  RETURNING *
), input_tags AS (
  SELECT DISTINCT $1::uuid AS workspace_id, name, tag_id($1::uuid, name) AS id
  FROM unnest($16::text[]) AS t(name)
), created_tags AS (
  -- No conflict target: a tag is unique by its name and by its id (made from the name), and a target
  -- would make only one of them an arbiter; a twin committed in between then fails on the other.
  INSERT INTO tags (workspace_id, id, name)
  SELECT workspace_id, id, name FROM input_tags
  WHERE EXISTS (SELECT 1 FROM updated)
  ON CONFLICT DO NOTHING
), links AS (
  INSERT INTO contact_tags (workspace_id, contact_id, tag_id)
  SELECT i.workspace_id, c.id, i.id FROM updated c CROSS JOIN input_tags i
  ON CONFLICT DO NOTHING
), stored_tags AS (
  SELECT t.id, t.workspace_id, t.name
  FROM updated c
  JOIN contact_tags l ON l.workspace_id = c.workspace_id AND l.contact_id = c.id
  JOIN tags t ON t.workspace_id = l.workspace_id AND t.id = l.tag_id
), unlinked AS (
  DELETE FROM contact_tags l USING tags t, updated c
  WHERE l.workspace_id = $1::uuid AND l.contact_id = c.id
    AND t.workspace_id = l.workspace_id AND t.id = l.tag_id AND t.name = ANY($17::text[])
), stored_values AS (
  SELECT cv.custom_variable_id, v.name, cv.value
  FROM updated c
  JOIN contact_custom_values cv ON cv.workspace_id = c.workspace_id AND cv.contact_id = c.id
  JOIN custom_variables v ON v.workspace_id = cv.workspace_id AND v.id = cv.custom_variable_id
), set_values AS (
  INSERT INTO contact_custom_values (workspace_id, contact_id, custom_variable_id, value)
  SELECT $1::uuid, c.id, v.custom_variable_id, v.value
  FROM updated c CROSS JOIN unnest($18::uuid[], $20::text[]) AS v(custom_variable_id, value)
  ON CONFLICT (workspace_id, contact_id, custom_variable_id)
  DO UPDATE SET value = CASE WHEN $5::boolean THEN contact_custom_values.value ELSE EXCLUDED.value END
), cleared_values AS (
  DELETE FROM contact_custom_values v USING updated c
  WHERE v.workspace_id = $1::uuid AND v.contact_id = c.id
    AND v.custom_variable_id = ANY($21::uuid[])
), final_tags AS (
  SELECT id, workspace_id, name FROM stored_tags WHERE name <> ALL($17::text[])
  UNION
  SELECT id, workspace_id, name FROM input_tags
), final_values AS (
  SELECT name, value FROM stored_values
  WHERE custom_variable_id <> ALL($21::uuid[]) AND custom_variable_id <> ALL($18::uuid[])
  UNION ALL
  SELECT s.name, CASE WHEN $5::boolean AND stored.value IS NOT NULL THEN stored.value ELSE s.value END
  FROM unnest($18::uuid[], $19::text[], $20::text[]) AS s(custom_variable_id, name, value)
  LEFT JOIN stored_values stored ON stored.custom_variable_id = s.custom_variable_id
  WHERE EXISTS (SELECT 1 FROM updated)
)
SELECT c.id, c.workspace_id, c.first_name, c.last_name, c.email, c.phone, c.timezone, c.created_at, c.updated_at,
       (SELECT json_agg(json_build_object('id', id, 'workspaceId', workspace_id, 'name', name)) FROM final_tags) AS tags,
       (SELECT json_agg(json_build_object('name', name, 'value', value)) FROM final_values) AS custom_fields
FROM updated c
