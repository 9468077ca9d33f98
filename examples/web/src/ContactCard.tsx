import { useContact } from "@contacts-api/client";
import { displayName } from "./ContactForm.tsx";
import { describeRequestError } from "./errors.ts";
import { homeHref, Link } from "./router.tsx";

/** The contact of /app/contacts/<id>, such as the one a conflict links to. */
export function ContactCard({ id, apiUrl }: { id: string; apiUrl: string }) {
  const { data: contact, fetching, error } = useContact(id);
  return (
    <section className="card contact-card" aria-labelledby="contact-heading">
      <div className="card-head">
        <h2 id="contact-heading">{contact ? displayName(contact) : "Contact"}</h2>
        <Link href={homeHref} aria-label="Close">
          ×
        </Link>
      </div>
      {error && <p className="form-error">{describeRequestError(error, apiUrl)}</p>}
      {fetching && contact === undefined && <p className="muted">Loading…</p>}
      {contact === null && <p className="muted">No contact with id {id} that this key can see.</p>}
      {contact && (
        <dl className="details">
          <dt>Email</dt>
          <dd>{contact.email ?? "—"}</dd>
          <dt>Phone</dt>
          <dd>{contact.phone ?? "—"}</dd>
          <dt>Timezone</dt>
          <dd>{contact.timezone ?? "—"}</dd>
          <dt>Tags</dt>
          <dd>{contact.tags.map((tag) => tag.name).join(", ") || "—"}</dd>
          {contact.customFields.map((value) => (
            <div key={value.name} className="details-row">
              <dt>{value.name}</dt>
              <dd>{value.value}</dd>
            </div>
          ))}
          <dt>Created</dt>
          <dd>{new Date(contact.createdAt).toLocaleString()}</dd>
          <dt>Id</dt>
          <dd>
            <code>{contact.id}</code>
          </dd>
        </dl>
      )}
    </section>
  );
}
