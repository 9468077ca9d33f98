import { createContactsClient, Provider } from "@contacts-api/client";
import { useMemo, useState } from "react";
import { ContactCard } from "./ContactCard.tsx";
import { ContactForm } from "./ContactForm.tsx";
import { ImportPanel } from "./ImportPanel.tsx";
import { RecentContacts } from "./RecentContacts.tsx";
import { contactIdFromPath, usePath } from "./router.tsx";
import { SettingsPanel } from "./SettingsPanel.tsx";
import { loadSettings, type Settings, saveSettings } from "./settings.ts";
import { fetchClientToken } from "./token.ts";

export function App() {
  const [settings, setSettings] = useState(loadSettings);
  const { apiUrl, tokenUrl } = settings;
  const client = useMemo(
    () => createContactsClient({ url: apiUrl, getToken: () => fetchClientToken(tokenUrl) }),
    [apiUrl, tokenUrl],
  );
  const selectedId = contactIdFromPath(usePath());

  function save(next: Settings) {
    saveSettings(next);
    setSettings(next);
  }

  return (
    <div className="page">
      <header className="masthead">
        <h1>Contacts</h1>
        <p>
          An example app on the typed hooks of <code>@contacts-api/client</code>.
        </p>
      </header>
      <SettingsPanel settings={settings} onSave={save} />
      <Provider value={client}>
        <main className="columns">
          <ContactForm apiUrl={apiUrl} />
          <div className="side">
            {selectedId && <ContactCard id={selectedId} apiUrl={apiUrl} />}
            <RecentContacts apiUrl={apiUrl} />
          </div>
        </main>
        <ImportPanel apiUrl={apiUrl} />
      </Provider>
    </div>
  );
}
