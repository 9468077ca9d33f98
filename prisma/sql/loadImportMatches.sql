-- The live contacts of a workspace that hold any of the given emails or phones, with their tags and
-- custom values: what a batch import is checked against (src/contacts/import/import-statements.ts).
-- $1: the workspace; $2: emails; $3: phones.
SELECT c.id, c.first_name, c.last_name, c.email, c.phone, c.timezone, c.created_at, c.updated_at,
       (SELECT json_agg(json_build_object('id', t.id, 'workspaceId', t.workspace_id, 'name', t.name))
          FROM contact_tags l
          JOIN tags t ON t.workspace_id = l.workspace_id AND t.id = l.tag_id
         WHERE l.workspace_id = c.workspace_id AND l.contact_id = c.id) AS tags,
       (SELECT json_agg(json_build_object('customVariableId', cv.custom_variable_id, 'name', v.name, 'value', cv.value))
          FROM contact_custom_values cv
          JOIN custom_variables v ON v.workspace_id = cv.workspace_id AND v.id = cv.custom_variable_id
         WHERE cv.workspace_id = c.workspace_id AND cv.contact_id = c.id) AS custom_fields
  FROM contacts c
 WHERE c.workspace_id = $1::uuid AND c.deleted_at IS NULL
   AND (c.email = ANY($2::text[]) OR c.phone = ANY($3::text[]))
