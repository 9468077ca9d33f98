import { builder } from "./builder.js";
import "../errors/errors.schema.js";
import "../contacts/tag.schema.js";
import "../contacts/contact.schema.js";
import "../contacts/contact-mutations.schema.js";
import "../contacts/import/import-contacts.schema.js";
import "../custom-variables/custom-variable.schema.js";
import "../workspaces/workspace.schema.js";
import "../access/client-token.schema.js";

export const schema = builder.toSchema({ sortSchema: true });
