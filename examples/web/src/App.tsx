import { createContactsClient, Provider } from "@contacts-api/client";
import { useMemo, useState } from "react";
import { ContactCard } from "./ContactCard.tsx";
import { ContactForm } from "./ContactForm.tsx";
import { RecentContacts } from "./RecentContacts.tsx";
import { contactIdFromPath, usePath } from "./router.tsx";
import { SettingsPanel } from "./SettingsPanel.tsx";
import { loadSettings, type Settings, saveSettings } from "./settings.ts";

export function App() {
  const [settings, setSettings] = useState(loadSettings);
  const client = useMemo(
    () => (settings.apiKey ? createContactsClient({ url: settings.apiUrl, apiKey: settings.apiKey }) : null),
    [settings.apiUrl, settings.apiKey],
  );
  const selectedId = contactIdFromPath(usePath());
  const workspaceId = settings.workspaceId || null;

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
      {client ? (
        <Provider value={client}>
          <main className="columns">
            <ContactForm workspaceId={workspaceId} apiUrl={settings.apiUrl} />
            <div className="side">
              {selectedId && <ContactCard id={selectedId} apiUrl={settings.apiUrl} />}
              <RecentContacts workspaceId={workspaceId} apiUrl={settings.apiUrl} />
            </div>
          </main>
        </Provider>
      ) : (
        <p className="notice">Enter an API key in the settings above to start.</p>
      )}
    </div>
  );
}
