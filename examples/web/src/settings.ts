/**
 * Where the page finds the API and where it gets a client token: chosen by the user at run time and
 * kept in this browser's localStorage. These two URLs are all that is kept: never a key or a token.
 */
export interface Settings {
  apiUrl: string;
  /** Answers `POST` with `{ token, expiresAt }`: the demo route of `npm start`, or your backend's. */
  tokenUrl: string;
}

const STORAGE_KEY = "contacts-api-example/settings";

/** The API of the server that serves this page (`npm start` serves both). */
export function defaultApiUrl(): string {
  return new URL("/graphql", window.location.origin).href;
}

/** The demo workspace's token route, which `npm start` serves on its embedded database. */
export function defaultTokenUrl(): string {
  return new URL("/demo/client-token", window.location.origin).href;
}

export function loadSettings(): Settings {
  const defaults: Settings = { apiUrl: defaultApiUrl(), tokenUrl: defaultTokenUrl() };
  try {
    const saved: unknown = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? "null");
    if (typeof saved !== "object" || saved === null) return defaults;
    const read = (key: keyof Settings) => {
      const value: unknown = (saved as Record<string, unknown>)[key];
      return typeof value === "string" && value ? value : defaults[key];
    };
    const settings = { apiUrl: read("apiUrl"), tokenUrl: read("tokenUrl") };
    // An earlier version of this page kept the API key here: saving again leaves only the URLs.
    if (Object.keys(saved).some((key) => key !== "apiUrl" && key !== "tokenUrl")) saveSettings(settings);
    return settings;
  } catch {
    return defaults;
  }
}

export function saveSettings({ apiUrl, tokenUrl }: Settings): void {
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify({ apiUrl, tokenUrl }));
}
