import { RapportError } from '@rapport/core'
import type { MigrationPlan, MigrationReport, StorageMigrations, StorageSchema } from '@rapport/core/storage'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { Migration, MigrationProvider } from 'kysely/migration'
import { Migrator } from 'kysely/migration'
import type { ModelMappings } from './model-mapping.js'
import type { DdlStatement } from './schema-ddl.js'
import {
  addColumnStatement,
  addForeignKeyStatement,
  createIndexStatement,
  createTableStatement,
  dropIndexStatement,
  foreignKeys,
  indexName,
  setNullStatements,
} from './schema-ddl.js'
import { backfillSearchDocuments, searchMigrationName } from './search-backfill.js'
import type { SqlDialect } from './sql-dialect.js'

/** The ledger table of Rapport's migrations (never Kysely's default `kysely_migration`, which hosts use). */
export const MIGRATION_TABLE = 'rapport_migrations'
/** The lock table of Rapport's migrations. */
export const MIGRATION_LOCK_TABLE = 'rapport_migrations_lock'

/** Work a migration step does in JavaScript (e.g. recomputing search documents with core's tokeniser). */
export interface MigrationTask {
  /** What it does, shown by `plan()` as an SQL comment. */
  readonly task: string
  run(db: Kysely<any>): Promise<unknown>
}

/** One schema migration step: a stable ledger name and its statements. */
export interface MigrationStep {
  /** The ledger name, e.g. `0100/table/contact` or `0400/index/deal_by_owner_stage`. */
  readonly name: string
  /** The statements (and tasks), in order. */
  readonly statements: readonly (DdlStatement | MigrationTask)[]
}

function isTask(statement: DdlStatement | MigrationTask): statement is MigrationTask {
  return 'task' in statement
}

/** Options of {@link createKyselyMigrations}. */
export interface KyselyMigrationsOptions {
  /** The engine's differences. */
  readonly dialect: SqlDialect
  /** Model → table and column names. */
  readonly mappings: ModelMappings
  /**
   * Hand-written migrations run through the same ledger, for data or destructive changes: name them
   * `plugin/<id>/<name>` or `rapport/<nnnn>_<name>`. They run after the schema steps of the same run.
   */
  readonly extraMigrations?: Readonly<Record<string, Migration>>
  /** Runs `work` with the database: serialised and busy-retried by the adapter. */
  readonly run: <T>(work: (db: Kysely<any>) => Promise<T>) => Promise<T>
}

async function executedNames(db: Kysely<any>): Promise<Set<string>> {
  const tables = await db.introspection.getTables()
  if (!tables.some((t) => t.name === MIGRATION_TABLE)) return new Set()
  const rows = await db.selectFrom(MIGRATION_TABLE).select('name').execute()
  return new Set(rows.map((r) => String(r.name)))
}

/**
 * Diffs `schema` against the live database and returns the additive steps that bring it up to date: missing tables
 * (with primary and inline foreign keys), missing columns of existing tables, foreign keys (`alter` dialects),
 * missing indexes (dropping the ones a new index `replaces`), and search indexes (named after the tokeniser version, the index version and the field list, so
 * any change rebuilds them: the old index is dropped, every row's search document recomputed, the new index built).
 * Never destructive to data.
 *
 * @example
 * ```ts
 * const steps = await diffSchema(db, schema, dialect, mappings)
 * steps.map((s) => s.name) // ['0100/table/contact', '0400/index/contact_by_owner', …]
 * ```
 */
export async function diffSchema(
  db: Kysely<any>,
  schema: StorageSchema,
  dialect: SqlDialect,
  mappings: ModelMappings,
): Promise<MigrationStep[]> {
  const tables = new Map((await db.introspection.getTables()).map((t) => [t.name, t]))
  const indexes = await dialect.listIndexes(db)
  const steps: MigrationStep[] = []
  for (const model of Object.values(schema.models)) {
    const mapping = mappings.get(model)
    const existing = tables.get(mapping.table)
    const fks = foreignKeys(schema, mappings, mapping)
    if (!existing) {
      steps.push({
        name: `0100/table/${mapping.table}`,
        statements: [createTableStatement(schema, mappings, mapping, dialect)],
      })
    } else {
      const present = new Set(existing.columns.map((c) => c.name))
      for (const c of mapping.columns) {
        if (!present.has(c.column)) {
          steps.push({
            name: `0200/column/${mapping.table}/${c.column}`,
            statements: [addColumnStatement(mapping, c.field, dialect)],
          })
        }
      }
    }
    // Foreign keys added after the fact (`alter` dialects) and `set null` triggers need every table to exist, so
    // they run after all `0100/table` steps whatever the tables' names.
    for (const fk of fks) {
      const statements = [
        ...(dialect.foreignKeys === 'alter' ? [addForeignKeyStatement(mapping, fk, dialect)] : []),
        ...setNullStatements(mapping, fk, dialect),
      ]
      if (statements.length > 0) steps.push({ name: `0300/fk/${fk.name}`, statements })
    }
    for (const index of model.indexes) {
      const name = indexName(mapping, index)
      if (!indexes.has(name)) {
        steps.push({
          name: `0400/index/${name}`,
          statements: [createIndexStatement(mapping, index, dialect)],
        })
      }
      // After every `0400/index` step (sorted by name), so a query never lacks both the old and the new index.
      for (const old of index.replaces ?? []) {
        const oldName = indexName(mapping, { name: old, fields: [] })
        if (indexes.has(oldName)) {
          steps.push({
            name: `0410/drop-index/${oldName}/replaced-by/${name}`,
            statements: [dropIndexStatement(mapping, old)],
          })
        }
      }
    }
    if (dialect.fullTextSearch && model.searchFields.length > 0) {
      const ddl = dialect.fullTextSearch.ddl(mapping)
      steps.push({
        name: searchMigrationName(mapping, dialect),
        statements: [
          ...ddl.drop,
          {
            task: `compute the search documents of every ${mapping.table} row (searchTerms, searchKeys)`,
            run: (db) => backfillSearchDocuments(db, mapping, dialect),
          },
          ...ddl.create,
        ],
      })
      const keyIndex = dialect.fullTextSearch.keyIndex
      if (keyIndex) {
        // After the search step (sorted by name): built from the `searchKeys` column that step fills.
        const keyDdl = keyIndex.ddl(mapping)
        steps.push({
          name: `0510/search-keys/${keyIndex.version}/${mapping.table}`,
          statements: [...keyDdl.drop, ...keyDdl.create],
        })
      }
    }
  }
  return steps
}

/**
 * Rapport's schema management over Kysely's `Migrator` (from `kysely/migration`): an in-code provider built from
 * {@link diffSchema}, the ledger `rapport_migrations` (lock `rapport_migrations_lock`), `allowUnorderedMigrations`
 * so plugin steps can join later, and every step in one transaction where the engine has transactional DDL.
 *
 * @example
 * ```ts
 * const migrations = createKyselyMigrations({ dialect, mappings, run: (work) => work(db) })
 * const { statements } = await migrations.plan(schema)
 * await migrations.apply(schema)
 * ```
 */
export function createKyselyMigrations(options: KyselyMigrationsOptions): StorageMigrations {
  const { dialect, mappings, run } = options
  const extra = options.extraMigrations ?? {}

  const pending = async (db: Kysely<any>, schema: StorageSchema) => {
    const executed = await executedNames(db)
    const steps = await diffSchema(db, schema, dialect, mappings)
    // Kysely's Migrator runs pending migrations sorted by name; plan() lists them in the same order.
    const todo = steps
      .filter((s) => !executed.has(s.name))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    return { executed, steps: todo }
  }

  /**
   * Kysely runs SQLite migrations outside any transaction (its adapter reports no transactional DDL). SQLite has it,
   * so single-connection dialects run the whole diff + migrate inside one write transaction: all-or-nothing, and
   * `BEGIN IMMEDIATE` serialises concurrent migrators across processes. Other engines rely on Kysely's own
   * transaction and migration lock.
   */
  const atomically = async <T>(db: Kysely<any>, work: (db: Kysely<any>) => Promise<T>): Promise<T> => {
    if (!dialect.singleConnection || !dialect.beginTransactionSql) return work(db)
    const begin = dialect.beginTransactionSql
    return db.connection().execute(async (conn) => {
      await sql.raw(begin).execute(conn)
      try {
        const result = await work(conn)
        await sql.raw('commit').execute(conn)
        return result
      } catch (error) {
        await sql
          .raw('rollback')
          .execute(conn)
          .catch(() => undefined)
        throw error
      }
    })
  }

  return Object.freeze({
    async plan(schema: StorageSchema): Promise<MigrationPlan> {
      return run(async (db) => {
        const { steps } = await pending(db, schema)
        const statements = steps.flatMap((s) =>
          s.statements.map((st) => (isTask(st) ? `-- ${st.task}` : st.compile(db).sql)),
        )
        return { statements }
      })
    },

    async apply(schema: StorageSchema): Promise<MigrationReport> {
      const report = await run((outer) =>
        atomically(outer, async (db) => {
          const { executed, steps } = await pending(db, schema)
          const migrations: Record<string, Migration> = {}
          // Kysely refuses to run when an executed migration is missing from the provider (e.g. a removed plugin or
          // a step the diff no longer needs): keep every executed name as a no-op.
          for (const name of executed) migrations[name] = { up: async () => {} }
          for (const step of steps) {
            migrations[step.name] = {
              up: async (trx) => {
                for (const statement of step.statements) {
                  if (isTask(statement)) await statement.run(trx)
                  else await statement.execute(trx)
                }
              },
            }
          }
          for (const [name, migration] of Object.entries(extra)) migrations[name] = migration
          const provider: MigrationProvider = { getMigrations: async () => migrations }
          const migrator = new Migrator({
            db,
            provider,
            migrationTableName: MIGRATION_TABLE,
            migrationLockTableName: MIGRATION_LOCK_TABLE,
            allowUnorderedMigrations: true,
          })
          const { error, results = [] } = await migrator.migrateToLatest()
          if (error) {
            const failed = results.find((r) => r.status === 'Error')?.migrationName
            if (error instanceof RapportError || dialect.classifyError(error) === 'busy') throw error
            const message = error instanceof Error ? error.message : String(error)
            throw new RapportError(
              'STORAGE_FAILURE',
              `Migration "${failed ?? '(setup)'}" failed: ${message}`,
              {
                cause: error,
                details: { migration: failed, dialect: dialect.name },
              },
            )
          }
          const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName)
          const skipped = Object.keys(migrations)
            .filter((n) => executed.has(n))
            .sort()
          return { applied, skipped }
        }),
      )
      // Outside the migration's transaction: planner upkeep such as SQLite's `PRAGMA optimize`.
      const after = dialect.afterMigrateSql ?? []
      if (after.length > 0) {
        await run(async (db) => {
          for (const statement of after) await statement.execute(db)
        })
      }
      return report
    },
  })
}
