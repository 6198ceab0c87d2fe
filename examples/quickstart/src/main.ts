import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { formatSummary, runQuickstart } from './quickstart.js'

// A fresh SQLite file per run, so the demo is repeatable; pass a path to keep the data around.
const file = process.argv[2] ?? join(tmpdir(), `rapport-quickstart-${process.pid}.db`)
if (!process.argv[2]) for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true })

const summary = await runQuickstart(createSqliteStorage({ file }))
console.log(formatSummary(summary))
console.log(`\nData: ${file}`)
