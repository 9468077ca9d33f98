import { clearLogs } from "@prisma/debug";

/** The methods whose result is itself a connection to the database, to wrap the same way. */
const OPENS_CONNECTION = new Set<PropertyKey>(["connect", "startTransaction"]);

/**
 * @prisma/debug keeps the arguments of its last 100 calls whether or not debugging is on, and the
 * driver adapters log every query with its parameters: up to 100 import batches' rows stayed in
 * memory. Clearing that history after each query keeps a request's data no longer than the request.
 */
export function forgettingQueryArguments<T extends object>(adapter: T): T {
  return new Proxy(adapter, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result = value.apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.then(
          (settled) => {
            clearLogs();
            return OPENS_CONNECTION.has(property) ? forgettingQueryArguments(settled) : settled;
          },
          (error) => {
            clearLogs();
            throw error;
          },
        );
      };
    },
  });
}
