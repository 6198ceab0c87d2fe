// A second OS process writing the same SQLite file with the raw driver, as another app instance would.
//   node other-process.mjs <file> update <tenantId> <id> <lastName> <expectedVersion>
//   node other-process.mjs <file> hold <milliseconds>
import { createRequire } from 'node:module'

const Database = createRequire(import.meta.url)('better-sqlite3')
const [file, mode, ...args] = process.argv.slice(2)
const db = new Database(file, { timeout: 5000 })
db.pragma('journal_mode = WAL')

if (mode === 'update') {
  const [tenantId, id, lastName, expectedVersion] = args
  // The same compare-and-set a Rapport write performs: only when the version is still the one read.
  const { changes } = db
    .prepare(
      'update contact set last_name = ?, version = version + 1 where tenant_id = ? and id = ? and version = ?',
    )
    .run(lastName, tenantId, id, Number(expectedVersion))
  process.stdout.write(JSON.stringify({ changes }))
  db.close()
} else if (mode === 'hold') {
  db.exec('begin immediate')
  db.prepare("update contact set notes = 'locked by the other process'").run()
  process.stdout.write('locked\n')
  setTimeout(() => {
    db.exec('commit')
    db.close()
    process.stdout.write('released\n')
  }, Number(args[0]))
} else {
  throw new Error(`unknown mode ${mode}`)
}
