import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from "react";

/** "/app/" in the build (vite.config.ts `base`). */
const BASE = import.meta.env.BASE_URL;

export const homeHref = BASE;

/** The page of one contact: /app/contacts/<id> (the server answers every /app path with the page). */
export function contactHref(id: string): string {
  return `${BASE}contacts/${encodeURIComponent(id)}`;
}

export function contactIdFromPath(path: string): string | null {
  const prefix = `${BASE}contacts/`;
  return path.startsWith(prefix) ? decodeURIComponent(path.slice(prefix.length)) || null : null;
}

function subscribe(onChange: () => void) {
  window.addEventListener("popstate", onChange);
  return () => window.removeEventListener("popstate", onChange);
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function navigate(href: string): void {
  window.history.pushState(null, "", href);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

/** An ordinary link (it opens in a new tab as usual) that navigates in place on a plain click. */
export function Link({ href, onClick, ...props }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  function click(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(href);
  }
  return <a href={href} onClick={click} {...props} />;
}
