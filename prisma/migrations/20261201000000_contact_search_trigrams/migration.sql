-- Contact search looks for a case-insensitive substring of the first name, the last name or the
-- email. Trigram indexes (pg_trgm) answer it without reading every contact of a workspace: a
-- search of three or more characters becomes a bitmap of the rows that can match.
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

CREATE INDEX "contacts_first_name_trgm_idx" ON "contacts" USING GIN ("first_name" gin_trgm_ops);
CREATE INDEX "contacts_last_name_trgm_idx" ON "contacts" USING GIN ("last_name" gin_trgm_ops);
CREATE INDEX "contacts_email_trgm_idx" ON "contacts" USING GIN ("email" gin_trgm_ops);
