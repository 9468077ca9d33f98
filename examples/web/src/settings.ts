/**
 * Where the page finds the API and which key it sends: chosen by the user at run time and kept in
 * this browser's localStorage, never compiled into the build.
 */
export interface Settings {
  apiUrl: string;
  apiKey: string;
  /** Needed with an account key (it reaches several workspaces); empty with a workspace key. */
  workspaceId: string;
}

const STORAGE_KEY = "contacts-api-example/settings";

/** The API of the server that serves this page (`npm start` serves both). */
export function defaultApiUrl(): string {
  return new URL("/graphql", window.location.origin).href;
}

export function loadSettings(): Settings {
  const defaults: Settings = { apiUrl: defaultApiUrl(), apiKey: "", workspaceId: "" };
  try {
    const saved: unknown = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? "null");
    if (typeof saved !== "object" || saved === null) return defaults;
    const read = (key: keyof Settings) => {
      const value: unknown = (saved as Record<string, unknown>)[key];
      return typeof value === "string" ? value : defaults[key];
    };
    return { apiUrl: read("apiUrl") || defaults.apiUrl, apiKey: read("apiKey"), workspaceId: read("workspaceId") };
  } catch {
    return defaults;
  }
}

export function saveSettings(settings: Settings): void {
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
}
