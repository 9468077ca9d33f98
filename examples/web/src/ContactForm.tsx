import {
  type ContactConflict,
  type CreateContactInput,
  useCreateContact,
  useCustomVariables,
} from "@contacts-api/client";
import { type FormEvent, type ReactNode, useState } from "react";
import { describeRequestError, issuesByField } from "./errors.ts";
import { contactHref, Link } from "./router.tsx";

interface Values {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  timezone: string;
  tags: string;
  customFields: Record<string, string>;
}

const EMPTY: Values = { firstName: "", lastName: "", email: "", phone: "", timezone: "", tags: "", customFields: {} };
const NO_ISSUES = new Map<string, string[]>();
const TIMEZONES = Intl.supportedValuesOf("timeZone");

/** Blank fields are left out, so the API applies its defaults (the timezone derived from the phone). */
function toInput(values: Values): CreateContactInput {
  const given = (value: string) => value.trim() || undefined;
  const tags = values.tags
    .split(",")
    .map((tag) => tag.trim())
    .filter(Boolean);
  const customFields = Object.fromEntries(Object.entries(values.customFields).filter(([, value]) => value.trim()));
  return {
    firstName: given(values.firstName),
    lastName: given(values.lastName),
    email: given(values.email),
    phone: given(values.phone),
    timezone: given(values.timezone),
    tags: tags.length > 0 ? tags : undefined,
    customFields: Object.keys(customFields).length > 0 ? customFields : undefined,
  };
}

export function ContactForm({ apiUrl }: { apiUrl: string }) {
  const [{ fetching, result, error }, createContact] = useCreateContact();
  const customVariables = useCustomVariables();
  const [values, setValues] = useState(EMPTY);

  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      const created = await createContact(toInput(values));
      if (created.__typename === "CreateContactSuccess") setValues(EMPTY);
    } catch {
      // Shown from the hook's `error` below.
    }
  }

  // The hook keeps the last result: a switch on __typename narrows it with no casts.
  const issues = result?.__typename === "ValidationError" ? issuesByField(result.issues) : NO_ISSUES;
  const conflicts = result?.__typename === "ConflictError" ? result.conflicts : [];
  const conflictOn = (field: ContactConflict["field"]) => conflicts.some((conflict) => conflict.field === field);

  const field = (key: keyof Omit<Values, "customFields">, label: string, props: FieldProps = {}) => (
    <Field
      id={key}
      label={label}
      value={values[key]}
      onChange={(value) => setValues({ ...values, [key]: value })}
      errors={issues.get(key)}
      invalid={(key === "email" && conflictOn("EMAIL")) || (key === "phone" && conflictOn("PHONE"))}
      {...props}
    />
  );

  return (
    <form className="card contact-form" onSubmit={submit} noValidate aria-labelledby="form-heading">
      <h2 id="form-heading">New contact</h2>
      <div className="row">
        {field("firstName", "First name", { autoComplete: "given-name" })}
        {field("lastName", "Last name", { autoComplete: "family-name" })}
      </div>
      {field("email", "Email", { type: "email", autoComplete: "email" })}
      {field("phone", "Phone", { type: "tel", placeholder: "+12125550123", hint: "E.164: + country code and digits" })}
      {field("timezone", "Timezone", { list: "timezones", hint: "Leave empty to derive it from the phone" })}
      <datalist id="timezones">
        {TIMEZONES.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      {field("tags", "Tags", { placeholder: "vip, newsletter", hint: "Comma-separated" })}

      <fieldset className="custom-fields">
        <legend>Custom fields</legend>
        {customVariables.error && <p className="form-error">{describeRequestError(customVariables.error, apiUrl)}</p>}
        {customVariables.data?.length === 0 && <p className="muted">This workspace has no custom variables.</p>}
        {customVariables.data?.map((variable, index) => (
          <Field
            key={variable.id}
            id={`custom-field-${index}`}
            label={variable.name}
            value={values.customFields[variable.name] ?? ""}
            onChange={(value) =>
              setValues({ ...values, customFields: { ...values.customFields, [variable.name]: value } })
            }
            errors={issues.get(`customFields.${variable.name}`)}
          />
        ))}
      </fieldset>

      {issues.has("form") && <Errors id="form-errors" messages={issues.get("form")} />}
      {conflicts.length > 0 && (
        <div className="conflict" role="alert">
          {conflicts.map((conflict) => (
            <p key={conflict.field}>
              A contact with this {conflict.field === "EMAIL" ? "email address" : "phone number"} already exists.{" "}
              <Link href={contactHref(conflict.existingContactId)}>Open the existing contact</Link>
            </p>
          ))}
        </div>
      )}
      {result?.__typename === "ForbiddenError" && <p className="form-error">{result.message}</p>}
      {error && <p className="form-error">{describeRequestError(error, apiUrl)}</p>}
      {result?.__typename === "CreateContactSuccess" && (
        <p className="success" role="status">
          Created <Link href={contactHref(result.contact.id)}>{displayName(result.contact)}</Link>.
        </p>
      )}
      <button type="submit" disabled={fetching}>
        {fetching ? "Creating…" : "Create contact"}
      </button>
    </form>
  );
}

export function displayName(contact: {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
}) {
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(" ");
  return name || contact.email || contact.phone || "Unnamed contact";
}

interface FieldProps {
  type?: string;
  placeholder?: string;
  autoComplete?: string;
  list?: string;
  hint?: ReactNode;
}

function Field({
  id,
  label,
  value,
  onChange,
  errors,
  invalid = false,
  hint,
  ...inputProps
}: FieldProps & {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  errors?: string[] | undefined;
  invalid?: boolean;
}) {
  const hasErrors = errors !== undefined && errors.length > 0;
  return (
    <div className="field" data-field={id}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={id}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={hasErrors || invalid}
        aria-describedby={hasErrors ? `${id}-errors` : undefined}
        {...inputProps}
      />
      {hint && !hasErrors && <p className="hint">{hint}</p>}
      {hasErrors && <Errors id={`${id}-errors`} messages={errors} />}
    </div>
  );
}

function Errors({ id, messages = [] }: { id: string; messages?: string[] | undefined }) {
  return (
    <ul className="field-errors" id={id}>
      {messages.map((message) => (
        <li key={message} className="field-error">
          {message}
        </li>
      ))}
    </ul>
  );
}
