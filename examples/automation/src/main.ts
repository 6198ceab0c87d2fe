import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { formatDemo, runAutomationDemo } from './automation-demo.js'

// A fresh SQLite file per run, so the demo is repeatable; pass a path to keep the data around.
const file = process.argv[2] ?? join(tmpdir(), `rapport-automation-${process.pid}.db`)
if (!process.argv[2]) for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true })

console.log(formatDemo(await runAutomationDemo(createSqliteStorage({ file }))))
console.log(`\nData: ${file}`)
