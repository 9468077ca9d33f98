-- Every API key carries scopes: what it may do with the workspaces it reaches. Keys made before
-- scopes existed, and keys made without naming any, have all three.
ALTER TABLE "api_keys"
  ADD COLUMN "scopes" TEXT[] NOT NULL DEFAULT ARRAY['contacts:read', 'contacts:write', 'workspace:admin']::TEXT[];
