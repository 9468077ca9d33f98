-- Soft-deletes the live contact with this id, if the caller reaches its workspace (src/contacts/delete-contact.ts).
-- $1, $2: the caller's reach (src/access/workspace-access.ts); $3: the contact id.
UPDATE contacts c SET deleted_at = now(), updated_at = now()
 WHERE c.id = $3::uuid AND c.deleted_at IS NULL
   AND c.workspace_id IN (
     SELECT w.id FROM workspaces w WHERE w.account_id = $1::uuid AND ($2::uuid IS NULL OR w.id = $2::uuid))
RETURNING c.id
