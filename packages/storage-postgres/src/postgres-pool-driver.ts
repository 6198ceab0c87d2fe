import type { DatabaseConnection, Driver, QueryResult, TransactionSettings } from 'kysely'
import { CompiledQuery } from 'kysely'

/** The slice of a `pg` pooled client the driver uses. */
export interface PgPoolClient {
  query(config: {
    readonly text: string
    readonly values: unknown[]
    readonly name?: string
  }): Promise<{ rows: unknown[]; rowCount: number | null; command: string }>
  release(destroy?: boolean): void
}

/** The slice of a `pg.Pool` the driver uses. */
export interface PgPool {
  connect(): Promise<PgPoolClient>
  end(): Promise<void>
}

/** How many distinct statements one adapter prepares by name (per connection, on first use). */
const MAX_PREPARED = 256
/** A read becomes a named prepared statement once its SQL text has run this many times. */
const HOT_AFTER = 2
const WRITE_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE'])

/**
 * Chooses which statements run as named prepared statements: repeated reads (`findById`, a list page's query
 * shape), up to {@link MAX_PREPARED} texts. Postgres then parses and plans them once per connection instead of on
 * every call, which is what a hand-written repository with `{ name, text }` queries gets.
 */
class StatementNames {
  readonly #seen = new Map<string, number>()
  readonly #named = new Map<string, string>()
  readonly #banned = new Set<string>()

  nameFor(sql: string): string | undefined {
    const named = this.#named.get(sql)
    if (named !== undefined) return named
    if (!sql.startsWith('select ') || this.#banned.has(sql) || this.#named.size >= MAX_PREPARED)
      return undefined
    const count = (this.#seen.get(sql) ?? 0) + 1
    if (count < HOT_AFTER) {
      if (this.#seen.size < 4 * MAX_PREPARED) this.#seen.set(sql, count)
      return undefined
    }
    this.#seen.delete(sql)
    const name = `rapport_${this.#named.size + 1}`
    this.#named.set(sql, name)
    return name
  }

  /** Stops naming `sql` (e.g. its cached plan went stale after a migration). */
  ban(sql: string): void {
    this.#banned.add(sql)
  }
}

function sqlState(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
}

class PgConnection implements DatabaseConnection {
  readonly client: PgPoolClient
  readonly #names: StatementNames

  constructor(client: PgPoolClient, names: StatementNames) {
    this.client = client
    this.#names = names
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const values = [...query.parameters]
    const name = this.#names.nameFor(query.sql)
    let result: Awaited<ReturnType<PgPoolClient['query']>>
    try {
      result = await this.client.query(name ? { name, text: query.sql, values } : { text: query.sql, values })
    } catch (error) {
      // 0A000 "cached plan must not change result type": a migration changed the table under a prepared
      // statement. Run it unnamed from now on.
      if (name === undefined || sqlState(error) !== '0A000') throw error
      this.#names.ban(query.sql)
      result = await this.client.query({ text: query.sql, values })
    }
    return {
      rows: (result.rows ?? []) as R[],
      ...(WRITE_COMMANDS.has(result.command) && result.rowCount !== null
        ? { numAffectedRows: BigInt(result.rowCount) }
        : {}),
    }
  }

  // biome-ignore lint/correctness/useYield: streaming is not offered; the generator only throws.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('storage-postgres: streaming is not supported')
  }
}

/**
 * A Kysely driver over the adapter's own `pg.Pool` that runs repeated reads as named prepared statements (see
 * `StatementNames`). Transactions open with `begin` plus the requested isolation level.
 */
export class PgPoolDriver implements Driver {
  readonly #createPool: () => Promise<PgPool>
  readonly #names = new StatementNames()
  #pool: PgPool | undefined

  constructor(createPool: () => Promise<PgPool>) {
    this.#createPool = createPool
  }

  async init(): Promise<void> {
    this.#pool = await this.#createPool()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PgConnection(await this.#pool!.connect(), this.#names)
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const level = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : ''
    const mode = settings.accessMode ? ` ${settings.accessMode}` : ''
    await connection.executeQuery(CompiledQuery.raw(`begin${level}${mode}`))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    ;(connection as PgConnection).client.release()
  }

  async destroy(): Promise<void> {
    const pool = this.#pool
    this.#pool = undefined
    await pool?.end()
  }
}
