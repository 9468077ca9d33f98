import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type ClientTokenSecrets, generateClientTokenSecret } from "../access/client-tokens.js";
import { type Config, ConfigError } from "../config.js";
import { isPostgresUrl } from "../storage/database.js";

/**
 * The secrets client tokens are signed with. On PostgreSQL, CLIENT_TOKEN_SECRET must be set: every
 * replica must share it, so none can be made up here. On an embedded database one is generated once
 * and kept beside it, readable by its owner only, like the demo key (in memory: a new one per start).
 */
export function clientTokenSecrets(config: Config): ClientTokenSecrets {
  const previous = config.clientTokenSecretPrevious;
  if (config.clientTokenSecret) return { current: config.clientTokenSecret, previous };
  if (isPostgresUrl(config.databaseUrl)) {
    throw new ConfigError(
      "CLIENT_TOKEN_SECRET is required with PostgreSQL: it signs client tokens, and every server must share it. " +
        "Set it to a random string of at least 32 characters (openssl rand -base64 32).",
    );
  }
  const location = config.databaseUrl.slice("pglite:".length);
  if (location === "memory") return { current: generateClientTokenSecret(), previous };
  const file = `${resolve(location)}.client-token-secret`;
  if (existsSync(file)) return { current: readFileSync(file, "utf8").trim(), previous };
  const current = generateClientTokenSecret();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${current}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { current, previous };
}
