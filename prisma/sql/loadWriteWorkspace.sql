-- The workspace a write targets, if the caller reaches it, with the custom variables named.
-- $1, $2: the caller's reach (src/access/workspace-access.ts); $3: the workspace; $4: custom field names.
SELECT w.id, w.default_timezone,
       (SELECT json_agg(json_build_object('id', v.id, 'name', v.name))
          FROM custom_variables v
         WHERE v.workspace_id = w.id AND v.name = ANY($4::text[])) AS variables
  FROM workspaces w
 WHERE w.id = $3::uuid AND w.account_id = $1::uuid AND ($2::uuid IS NULL OR w.id = $2::uuid)
