// Counting what a phase costs beyond its wall time: the statements each driver sent (every one a round trip on
// Postgres, BEGIN and COMMIT included), this process's CPU time, and on Postgres the CPU time of the server backends
// that served this pool (read from /proc, so the database's own work is in the comparison too).
import { readFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import pg from 'pg'

/** What one phase cost. */
export interface PhaseCost {
  readonly wallMs: number
  /** This process's user + system CPU time. */
  readonly cpuMs: number
  /** CPU time of the Postgres backends serving this pool (0 on SQLite, which runs in this process). */
  readonly serverCpuMs: number
  /** Statements sent to the driver (round trips on Postgres). */
  readonly statements: number
}

/** Counts statements and server CPU for one engine. */
export interface Counter {
  statements: number
  /** With `BENCH_TRACE=1`: statements by their first 100 characters of SQL, to see which ones a phase repeats. */
  readonly shapes: Map<string, number>
  /** CPU milliseconds of the server processes so far (0 when the database runs in this process). */
  serverCpuMs(): number
}

const trace = process.env['BENCH_TRACE'] === '1'

function count(counter: Counter, sql: unknown): void {
  counter.statements++
  if (!trace) return
  const text = typeof sql === 'string' ? sql : ((sql as { text?: string; source?: string })?.text ?? '?')
  const shape = text.replace(/\s+/g, ' ').slice(0, 100)
  counter.shapes.set(shape, (counter.shapes.get(shape) ?? 0) + 1)
}

const round1 = (x: number) => Math.round(x * 10) / 10

/** Runs `work` and returns what it cost on `counter`. */
export async function measure(counter: Counter, work: () => Promise<unknown>): Promise<PhaseCost> {
  globalThis.gc?.()
  const statements = counter.statements
  counter.shapes.clear()
  const server = counter.serverCpuMs()
  const cpu = process.cpuUsage()
  const t0 = performance.now()
  await work()
  const wallMs = performance.now() - t0
  const used = process.cpuUsage(cpu)
  return {
    wallMs: round1(wallMs),
    cpuMs: round1((used.user + used.system) / 1000),
    serverCpuMs: round1(Math.max(0, counter.serverCpuMs() - server)),
    statements: counter.statements - statements,
  }
}

/** The statements a phase repeated most (with `BENCH_TRACE=1`). */
export function topShapes(counter: Counter, top = 8): string[] {
  return [...counter.shapes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([shape, n]) => `${n}× ${shape}`)
}

let sqliteCounter: Counter | undefined

/**
 * Counts every statement better-sqlite3 runs in this process (its Statement methods and `exec`). SQLite has no
 * round trips; the count shows how many statements a phase issues, comparable with Postgres's.
 */
export function countSqliteStatements(): Counter {
  if (sqliteCounter) return sqliteCounter
  const counter: Counter = { statements: 0, shapes: new Map(), serverCpuMs: () => 0 }
  const probe = new Database(':memory:')
  const statementProto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>
  probe.close()
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = statementProto[method] as (...args: unknown[]) => unknown
    statementProto[method] = function (this: { source?: string }, ...args: unknown[]) {
      count(counter, this.source)
      return original.apply(this, args)
    }
  }
  const dbProto = Database.prototype as unknown as Record<string, unknown>
  const exec = dbProto['exec'] as (...args: unknown[]) => unknown
  dbProto['exec'] = function (this: unknown, ...args: unknown[]) {
    count(counter, args[0])
    return exec.apply(this, args)
  }
  sqliteCounter = counter
  return counter
}

const TICKS_PER_SECOND = 100

/** User + system CPU milliseconds of a process, or 0 when it is gone or unreadable. */
function processCpuMs(pid: number): number {
  try {
    // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND
  } catch {
    return 0
  }
}

let postgresCounter: Counter | undefined

/**
 * Counts every query a `pg.Client` sends in this process (pools included, so the storage keeps its own pool and
 * configuration), and reads the CPU time of the backends that served them from /proc (the server runs on this
 * machine in the bench's setup; elsewhere server CPU reads 0).
 */
export function countPostgresStatements(): Counter {
  if (postgresCounter) return postgresCounter
  // Per backend: its CPU time when first seen, and the last reading (kept once the backend exits).
  const backends = new Map<number, { first: number; last: number }>()
  const counter: Counter = {
    statements: 0,
    shapes: new Map(),
    serverCpuMs: () => {
      let total = 0
      for (const [pid, cpu] of backends) {
        cpu.last = Math.max(cpu.last, processCpuMs(pid))
        total += cpu.last - cpu.first
      }
      return total
    },
  }
  const proto = pg.Client.prototype as unknown as Record<string, unknown>
  const query = proto['query'] as (...args: unknown[]) => unknown
  proto['query'] = function (this: { processID?: number }, ...args: unknown[]) {
    count(counter, args[0])
    const pid = this.processID
    if (pid && !backends.has(pid)) {
      const now = processCpuMs(pid)
      backends.set(pid, { first: now, last: now })
    }
    return query.apply(this, args)
  }
  postgresCounter = counter
  return counter
}
