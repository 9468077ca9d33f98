// The command line and its tests create contacts through this module's name.
export { type CreateContactInput, createContact } from "./contacts.service.js";
