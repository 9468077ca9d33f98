import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export interface TestBrowser {
  executablePath: string;
  args: string[];
  /** Where it came from, for failure messages. */
  source: string;
}

/** Flags for any Chromium here: without the networking ones it keeps calling home, which floods a closed network. */
const QUIET = [
  "--no-sandbox",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Of @sparticuz/chromium's flags, those that would change what a page may do are left out. */
const UNSAFE = new Set(["--disable-web-security", "--allow-running-insecure-content"]);

const SYSTEM_CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/**
 * The Chromium the browser tests drive: the one CHROMIUM_PATH names, else one installed on the
 * system, else the Linux x64 build that the npm package @sparticuz/chromium carries (unpacked into
 * the temporary folder on first use), so `npm install && npm test` needs no browser installed.
 * Elsewhere (macOS, Windows) set CHROMIUM_PATH.
 */
export async function testBrowser(): Promise<TestBrowser> {
  const named = process.env.CHROMIUM_PATH;
  if (named) {
    if (!existsSync(named)) throw new Error(`CHROMIUM_PATH names no file: ${named}`);
    return { executablePath: named, args: [...QUIET, "--disable-gpu"], source: "CHROMIUM_PATH" };
  }
  const installed = SYSTEM_CHROMIUM.find((path) => existsSync(path));
  if (installed) return { executablePath: installed, args: [...QUIET, "--disable-gpu"], source: installed };
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error("No Chromium found: set CHROMIUM_PATH to a Chromium or Chrome executable. This test never skips.");
  }
  const { default: bundled } = await import("@sparticuz/chromium");
  const args = bundled.args.filter((flag) => !UNSAFE.has(flag) && !flag.startsWith("--headless"));
  return {
    executablePath: await unpackOnce(() => bundled.executablePath()),
    args: [...args, ...QUIET],
    source: "@sparticuz/chromium",
  };
}

const UNPACKED = join(tmpdir(), "contacts-test-chromium.path");
const UNPACKING = join(tmpdir(), "contacts-test-chromium.unpacking");
const UNPACK_WAIT_MS = 120_000;

/**
 * @sparticuz/chromium unpacks to a fixed file in the temporary folder and takes any file there as
 * done, so two test workers starting together would launch a half-written one: the first to make
 * the lock directory unpacks, the others wait for the path it writes.
 */
async function unpackOnce(unpack: () => Promise<string>): Promise<string> {
  for (const deadline = Date.now() + UNPACK_WAIT_MS; Date.now() < deadline; await sleep(200)) {
    const done = existsSync(UNPACKED) ? readFileSync(UNPACKED, "utf8") : null;
    if (done && existsSync(done)) return done;
    try {
      mkdirSync(UNPACKING);
    } catch {
      continue; // another worker is unpacking
    }
    try {
      const path = await unpack();
      writeFileSync(UNPACKED, path);
      return path;
    } finally {
      rmSync(UNPACKING, { recursive: true, force: true });
    }
  }
  throw new Error(`Chromium was not unpacked within ${UNPACK_WAIT_MS} ms; if no test runs, remove ${UNPACKING}`);
}

export interface TestPage {
  /** A new browser context: its own storage, cookies and routes, nothing kept from another test. */
  context: BrowserContext;
  page: Page;
  /** Every uncaught error the page threw. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** One page of the test browser, headless, in a context of its own, with its uncaught errors kept. */
export async function openTestPage(options: {
  timeoutMs: number;
  viewport?: { width: number; height: number };
}): Promise<TestPage> {
  const { executablePath, args } = await testBrowser();
  const browser = await chromium.launch({ executablePath, headless: true, args });
  const context = await browser.newContext(options.viewport ? { viewport: options.viewport } : {});
  const page = await context.newPage();
  page.setDefaultTimeout(options.timeoutMs);
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  return { context, page, pageErrors, close: () => browser.close() };
}
