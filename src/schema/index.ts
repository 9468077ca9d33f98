import { builder } from "../builder.js";
import "./errors.js";
import "./contact.js";

export const schema = builder.toSchema({ sortSchema: true });
