/**
 * Where a cell's CPU went: the whole machine's busy time (every core, from /proc/stat) and the
 * PostgreSQL server's processes (every process named `postgres`), over one side's measured window.
 * Divided by the successful requests, this says what one request costs the machine, which on a
 * saturated machine is what decides throughput: ours ÷ floor is then close to the floor's
 * machine CPU per request ÷ ours.
 */
import { readdirSync, readFileSync } from "node:fs";

export const CLOCK_TICKS_PER_SECOND = 100;

/** A process's command name and CPU (utime + stime, in clock ticks) from /proc; null once it has ended. */
export function readProcStat(pid: number | string): { name: string; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces; utime and stime are fields 14 and 15,
    // the 12th and 13th after it.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return {
      name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
      ticks: Number(fields[11]) + Number(fields[12]),
    };
  } catch {
    return null;
  }
}

/** Busy jiffies summed over every core: everything but idle and iowait. */
function machineBusyTicks(): number | null {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const [, ...fields] = line.trim().split(/\s+/);
    const values = fields.map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = values;
    return user + nice + system + irq + softirq + steal;
  } catch {
    return null;
  }
}

/** utime + stime of every process whose command name is `name`, by pid. */
function processTicks(name: string): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(entry); // null: it ended between the listing and the read
    if (stat?.name === name) ticks.set(entry, stat.ticks);
  }
  return ticks;
}

/**
 * CPU used between two readings: by the processes alive at the end, from their first reading (or
 * from zero if they started meanwhile). A process that ended meanwhile (an autovacuum worker) is
 * left out, since its last ticks are unknown; subtracting its first reading would be worse.
 */
function ticksBetween(start: Map<string, number>, end: Map<string, number>): number {
  let total = 0;
  for (const [pid, ticks] of end) total += ticks - (start.get(pid) ?? 0);
  return total;
}

export interface CpuCost {
  /** Milliseconds of CPU, every core counted, per successful request. */
  machineMsPerRequest: number | null;
  /** PostgreSQL's processes only; null for PGlite, which runs inside the server and the harness. */
  databaseMsPerRequest: number | null;
}

export class CpuAccounting {
  private machineStart: number | null = null;
  private databaseStart = new Map<string, number>();
  private machineEnd: number | null = null;
  private databaseEnd = new Map<string, number>();

  constructor(private readonly measureDatabase: boolean) {}

  start(): void {
    this.machineStart = machineBusyTicks();
    this.databaseStart = this.measureDatabase ? processTicks("postgres") : new Map();
  }

  stop(): void {
    this.machineEnd = machineBusyTicks();
    this.databaseEnd = this.measureDatabase ? processTicks("postgres") : new Map();
  }

  perRequest(successfulRequests: number): CpuCost {
    if (successfulRequests <= 0) return { machineMsPerRequest: null, databaseMsPerRequest: null };
    const ms = (ticks: number) =>
      Math.round(((ticks * 1000) / CLOCK_TICKS_PER_SECOND / successfulRequests) * 100) / 100;
    return {
      machineMsPerRequest:
        this.machineStart !== null && this.machineEnd !== null ? ms(this.machineEnd - this.machineStart) : null,
      databaseMsPerRequest: this.measureDatabase ? ms(ticksBetween(this.databaseStart, this.databaseEnd)) : null,
    };
  }
}
