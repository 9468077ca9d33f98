import { type FormEvent, useState } from "react";
import { defaultApiUrl, defaultTokenUrl, type Settings } from "./settings.ts";

/** The API URL and the token URL, entered at run time and kept in this browser only. */
export function SettingsPanel({ settings, onSave }: { settings: Settings; onSave: (settings: Settings) => void }) {
  const [draft, setDraft] = useState(settings);
  const [open, setOpen] = useState(false);

  function submit(event: FormEvent) {
    event.preventDefault();
    onSave({ apiUrl: draft.apiUrl.trim() || defaultApiUrl(), tokenUrl: draft.tokenUrl.trim() || defaultTokenUrl() });
    setOpen(false);
  }

  return (
    <details className="settings" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>
        Settings <span className="muted">{`${settings.apiUrl} · tokens from ${settings.tokenUrl}`}</span>
      </summary>
      <form onSubmit={submit} className="settings-form">
        <label htmlFor="api-url">API URL</label>
        <input
          id="api-url"
          type="url"
          value={draft.apiUrl}
          onChange={(event) => setDraft({ ...draft, apiUrl: event.target.value })}
        />
        <label htmlFor="token-url">Token URL</label>
        <input
          id="token-url"
          type="url"
          value={draft.tokenUrl}
          onChange={(event) => setDraft({ ...draft, tokenUrl: event.target.value })}
        />
        <p className="hint">
          The page asks the token URL for a short-lived client token and keeps it in memory only: the demo route of{" "}
          <code>npm start</code>, or your backend's (examples/token-server). Only the two URLs are kept in this
          browser's localStorage.
        </p>
        <button type="submit">Save settings</button>
      </form>
    </details>
  );
}
