import { builder } from "../builder.js";
import "./errors.js";
import "./tag.js";
import "./contact.js";
import "./contact-mutations.js";
import "./custom-variable.js";
import "./workspace.js";

export const schema = builder.toSchema({ sortSchema: true });
