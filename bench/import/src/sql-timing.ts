// Preload for a phase (`BENCH_SQL_TIMING=1`, or `node --import ./src/sql-timing.ts src/phase.ts …`): wraps
// better-sqlite3's statements and adds up the thread CPU time of each kind of statement (the first words of its SQL
// and its table), printed to stderr at exit as µs per imported row. SQLite runs on the calling thread inside each
// call, so this is SQLite's own CPU per statement: an INSERT's triggers (FTS5, search keys) are in the INSERT's time.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const Database = require('better-sqlite3') as new (
  file: string,
) => { prepare(sql: string): object; close(): void }
const probe = new Database(':memory:')
const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown> & { source: string }
probe.close()

const totals = new Map<string, { us: number; calls: number }>()
const kindOf = (sql: string) => {
  const s = sql.trim().replace(/\s+/gu, ' ').toLowerCase()
  const table = /(?:into|from|update) "?([\w]+)"?/u.exec(s)?.[1] ?? ''
  return `${s.split(' ').slice(0, 2).join(' ')} ${table}`.trim()
}
for (const method of ['run', 'all', 'get', 'iterate'] as const) {
  const original = proto[method] as (this: { source: string }, ...args: unknown[]) => unknown
  proto[method] = function (this: { source: string }, ...args: unknown[]) {
    const start = process.cpuUsage()
    try {
      return original.apply(this, args)
    } finally {
      const used = process.cpuUsage(start)
      const kind = kindOf(this.source)
      const t = totals.get(kind) ?? { us: 0, calls: 0 }
      t.us += used.user + used.system
      t.calls++
      totals.set(kind, t)
    }
  }
}

process.on('exit', () => {
  const rows = Number(process.env['BENCH_ROWS_FOR_TIMING'] ?? 1)
  const list = [...totals].sort((a, b) => b[1].us - a[1].us)
  const all = list.reduce((s, [, t]) => s + t.us, 0)
  process.stderr.write(`sqlite statements: ${(all / rows).toFixed(1)} µs per row in all\n`)
  for (const [kind, t] of list.slice(0, 15))
    process.stderr.write(
      `  ${(t.us / rows).toFixed(1).padStart(7)} µs/row ${String(t.calls).padStart(8)} calls  ${kind}\n`,
    )
})
