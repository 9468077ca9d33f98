-- A tag's id is worked out from its workspace and its name: the RFC 4122 version-3 UUID of the name
-- (its UTF-8 bytes) in the workspace id's namespace. A write that adds tags then knows their ids
-- without reading the tags table: it inserts the new ones and links them all by computed id. With
-- no lookup in those statements there is no plan for PostgreSQL to keep from when the table was
-- small (see src/prepared-statements.ts). Written in SQL so that the statements and this migration
-- share one definition.

-- Sets the version (3) and variant (RFC 4122) bits of an MD5 hash.
CREATE FUNCTION "uuid_version_3"(hash BYTEA) RETURNS UUID
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN encode(set_byte(set_byte(hash, 6, (get_byte(hash, 6) & 15) | 48), 8, (get_byte(hash, 8) & 63) | 128), 'hex')::uuid;

-- STABLE, not IMMUTABLE, because convert_to is STABLE: PostgreSQL inlines a SQL function into the
-- statement that calls it only when its body is no more volatile than it declares.
CREATE FUNCTION "tag_id"(workspace_id UUID, name TEXT) RETURNS UUID
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN "uuid_version_3"(decode(md5(uuid_send(workspace_id) || convert_to(name, 'UTF8')), 'hex'));

-- Existing tags take their computed ids; contact_tags follows through its ON UPDATE CASCADE key.
UPDATE "tags" SET "id" = "tag_id"("workspace_id", "name") WHERE "id" <> "tag_id"("workspace_id", "name");
