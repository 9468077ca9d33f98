-- Soft-deletes the live contact with this id in any workspace: the operator's command line only.
-- $1: the contact id.
UPDATE contacts c SET deleted_at = now(), updated_at = now()
 WHERE c.id = $1::uuid AND c.deleted_at IS NULL
RETURNING c.id
