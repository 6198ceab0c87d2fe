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
/** A read or an INSERT becomes a named prepared statement once its SQL text has run this many times. */
const HOT_AFTER = 2
/** How often one SQL text is prepared afresh after going stale before it runs unnamed for good. */
const MAX_RENAMES = 3
const WRITE_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE'])

/**
 * Chooses which statements run as named prepared statements: repeated reads (`findById`, a list page's query
 * shape) and INSERTs (the adapter's INSERT texts are cached per column set and row count, so a single `create`
 * repeats one text), up to {@link MAX_PREPARED} texts. Postgres then parses and plans them once per connection
 * instead of on every call, which is what a hand-written repository with `{ name, text }` queries gets. UPDATE and
 * DELETE texts vary with the columns and filters of each call and stay unnamed.
 *
 * Names come from a counter and are never reused: `pg` remembers, per connection, which text each name was prepared
 * with, and refuses a name that comes back with another text.
 */
export class StatementNames {
  readonly #seen = new Map<string, number>()
  readonly #named = new Map<string, string>()
  readonly #renames = new Map<string, number>()
  readonly #banned = new Set<string>()
  #counter = 0

  nameFor(sql: string): string | undefined {
    if (this.#banned.has(sql)) return undefined
    const named = this.#named.get(sql)
    if (named !== undefined) return named
    if (!(sql.startsWith('select ') || sql.startsWith('insert into ')) || this.#named.size >= MAX_PREPARED)
      return undefined
    const count = (this.#seen.get(sql) ?? 0) + 1
    if (count < HOT_AFTER) {
      if (this.#seen.size < 4 * MAX_PREPARED) this.#seen.set(sql, count)
      return undefined
    }
    this.#seen.delete(sql)
    return this.#assign(sql)
  }

  /**
   * `name`, prepared for `sql`, went stale (another process altered a table under it): every connection moves to a
   * fresh name, which each prepares against the table as it is now; after {@link MAX_RENAMES} the text runs
   * unnamed for good. Returns the name to use now, if any. A name already replaced is left alone, so the
   * connections that all hit the same stale name rename it once.
   */
  renew(sql: string, name: string): string | undefined {
    if (this.#banned.has(sql)) return undefined
    const current = this.#named.get(sql)
    if (current !== name) return current
    const renames = (this.#renames.get(sql) ?? 0) + 1
    if (renames > MAX_RENAMES) {
      this.#named.delete(sql)
      this.#renames.delete(sql)
      this.#banned.add(sql)
      return undefined
    }
    this.#renames.set(sql, renames)
    return this.#assign(sql)
  }

  #assign(sql: string): string {
    const name = `rapport_${++this.#counter}`
    this.#named.set(sql, name)
    return name
  }
}

function sqlState(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
}

class PgConnection implements DatabaseConnection {
  readonly client: PgPoolClient
  readonly #names: StatementNames
  /** Set between `begin` and `commit`/`rollback`: a failed statement has then aborted the transaction. */
  inTransaction = false

  constructor(client: PgPoolClient, names: StatementNames) {
    this.client = client
    this.#names = names
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.run(query.sql, [...query.parameters])
    return {
      rows: (result.rows ?? []) as R[],
      ...(WRITE_COMMANDS.has(result.command) && result.rowCount !== null
        ? { numAffectedRows: BigInt(result.rowCount) }
        : {}),
    }
  }

  /** Runs one statement, named when {@link StatementNames} says so. */
  async run(text: string, values: unknown[]): Promise<Awaited<ReturnType<PgPoolClient['query']>>> {
    const name = this.#names.nameFor(text)
    let result: Awaited<ReturnType<PgPoolClient['query']>>
    try {
      result = await this.client.query(name ? { name, text, values } : { text, values })
    } catch (error) {
      // 0A000 "cached plan must not change result type": another process (a newer version's migrate()) changed a
      // table under a prepared statement. Every connection moves to a fresh name. Outside a transaction the
      // statement simply runs again; inside one, Postgres has aborted the transaction, so the error goes up and
      // the adapter re-runs the whole transaction (see isRetryablePostgresError), which then prepares afresh.
      if (name === undefined || sqlState(error) !== '0A000') throw error
      const fresh = this.#names.renew(text, name)
      if (this.inTransaction) throw error
      result = await this.client.query(fresh ? { name: fresh, text, values } : { text, values })
    }
    return result
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
  readonly #prepare: ((client: PgPoolClient) => Promise<void>) | undefined
  readonly #prepared = new WeakSet<PgPoolClient>()
  #pool: PgPool | undefined

  /**
   * @param prepare - runs once per physical connection, before its first use (e.g. `set role` for row-level
   *   security); when it fails the connection is destroyed and the acquire fails with its error.
   */
  constructor(createPool: () => Promise<PgPool>, prepare?: (client: PgPoolClient) => Promise<void>) {
    this.#createPool = createPool
    this.#prepare = prepare
  }

  async init(): Promise<void> {
    this.#pool = await this.#createPool()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PgConnection(await this.#client(), this.#names)
  }

  /**
   * Runs one read outside any transaction on a pooled connection, straight on the driver (no Kysely executor), with
   * the same statement naming as every other statement; the connection goes back to the pool afterwards.
   * `undefined` while the pool is not open (before Kysely's first use, after `destroy`): the read then takes
   * Kysely's path, which opens it or reports it closed.
   */
  query(text: string, parameters: readonly unknown[]): Promise<readonly unknown[]> | undefined {
    return this.#pool ? this.#read(text, parameters) : undefined
  }

  async #read(text: string, parameters: readonly unknown[]): Promise<readonly unknown[]> {
    const client = await this.#client()
    try {
      return (await new PgConnection(client, this.#names).run(text, parameters as unknown[])).rows ?? []
    } finally {
      client.release()
    }
  }

  /** A pooled connection, prepared (see the constructor's `prepare`) before its first use. */
  async #client(): Promise<PgPoolClient> {
    const client = await this.#pool!.connect()
    if (this.#prepare && !this.#prepared.has(client)) {
      try {
        await this.#prepare(client)
      } catch (error) {
        client.release(true)
        throw error
      }
      this.#prepared.add(client)
    }
    return client
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const level = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : ''
    const mode = settings.accessMode ? ` ${settings.accessMode}` : ''
    await connection.executeQuery(CompiledQuery.raw(`begin${level}${mode}`))
    ;(connection as PgConnection).inTransaction = true
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    ;(connection as PgConnection).inTransaction = false
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    ;(connection as PgConnection).inTransaction = false
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
