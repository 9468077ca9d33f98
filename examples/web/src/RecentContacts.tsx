import { useContacts } from "@contacts-api/client";
import { displayName } from "./ContactForm.tsx";
import { describeRequestError } from "./errors.ts";
import { contactHref, Link } from "./router.tsx";

/** The newest contacts; refetched by the client when a mutation creates or deletes one. */
export function RecentContacts({ apiUrl }: { apiUrl: string }) {
  const { data, fetching, error } = useContacts({ first: 10 });
  return (
    <section className="card" aria-labelledby="recent-heading">
      <h2 id="recent-heading">Recent contacts {data && <span className="muted">({data.totalCount})</span>}</h2>
      {error && <p className="form-error">{describeRequestError(error, apiUrl)}</p>}
      {fetching && !data && <p className="muted">Loading…</p>}
      {data?.edges.length === 0 && <p className="muted">No contacts yet.</p>}
      <ul className="contact-list" aria-label="Recent contacts">
        {data?.edges.map(({ node: contact }) => (
          <li key={contact.id} className="contact" data-contact-id={contact.id}>
            <Link href={contactHref(contact.id)} className="contact-name">
              {displayName(contact)}
            </Link>
            <span className="muted">
              {[contact.email, contact.phone, contact.timezone].filter(Boolean).join(" · ")}
            </span>
            {contact.tags.length > 0 && (
              <ul className="tags" aria-label="Tags">
                {contact.tags.map((tag) => (
                  <li key={tag.id} className="tag">
                    {tag.name}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
