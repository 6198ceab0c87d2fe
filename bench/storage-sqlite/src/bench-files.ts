// The bench's working files: one temporary directory per run, SQLite files migrated by the storage, and raw
// better-sqlite3 connections opened on them with the same pragmas the storage uses.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import Database from 'better-sqlite3'
import { benchSchema } from './bench-models.ts'

/** The run's temporary directory (removed by run-bench.ts at the end). */
export const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-sqlite-'))

/** A fresh SQLite file in {@link dir}, migrated by the storage for `schema`. */
export async function migratedFile(name: string, schema = benchSchema): Promise<string> {
  const file = join(dir, name)
  const storage = createSqliteStorage({ file })
  await storage.migrations.apply(schema)
  await storage.close()
  return file
}

/** A raw better-sqlite3 connection on `file` (WAL, NORMAL sync, foreign keys). */
export function openRaw(file: string): Database.Database {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  return db
}
