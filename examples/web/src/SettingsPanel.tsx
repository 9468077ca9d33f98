import { type FormEvent, useState } from "react";
import { defaultApiUrl, type Settings } from "./settings.ts";

/** The API URL and key, entered at run time and kept in this browser only. */
export function SettingsPanel({ settings, onSave }: { settings: Settings; onSave: (settings: Settings) => void }) {
  const [draft, setDraft] = useState(settings);
  const [open, setOpen] = useState(!settings.apiKey);

  function submit(event: FormEvent) {
    event.preventDefault();
    onSave({
      apiUrl: draft.apiUrl.trim() || defaultApiUrl(),
      apiKey: draft.apiKey.trim(),
      workspaceId: draft.workspaceId.trim(),
    });
    setOpen(false);
  }

  return (
    <details className="settings" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>
        Settings{" "}
        <span className="muted">
          {settings.apiKey ? `${settings.apiUrl} · key ${keyPrefix(settings.apiKey)}…` : "no API key yet"}
        </span>
      </summary>
      <form onSubmit={submit} className="settings-form">
        <label htmlFor="api-url">API URL</label>
        <input
          id="api-url"
          type="url"
          value={draft.apiUrl}
          onChange={(event) => setDraft({ ...draft, apiUrl: event.target.value })}
        />
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          placeholder="sk_live_… (npm start prints the demo workspace's key)"
          value={draft.apiKey}
          onChange={(event) => setDraft({ ...draft, apiKey: event.target.value })}
        />
        <label htmlFor="workspace-id">Workspace id</label>
        <input
          id="workspace-id"
          placeholder="only with an account key"
          value={draft.workspaceId}
          onChange={(event) => setDraft({ ...draft, workspaceId: event.target.value })}
        />
        <p className="hint">Kept in this browser's localStorage; nothing is built into the page.</p>
        <button type="submit">Save settings</button>
      </form>
    </details>
  );
}

/** Enough of a key to tell live from test, none of its secret part. */
function keyPrefix(apiKey: string): string {
  return /^sk_(live|test)_/.exec(apiKey)?.[0] ?? "";
}
