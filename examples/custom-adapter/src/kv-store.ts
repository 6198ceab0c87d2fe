/**
 * A tiny Redis-style key-value "database": named hashes of string fields to string values (think `HSET`, `HGET`,
 * `HDEL`, `HGETALL`). It stands in for whatever store your adapter talks to. Writes can be buffered in a
 * {@link KvBatch} and applied at once, like `MULTI`/`EXEC`.
 */

/** Read access shared by the store and its batches. */
export interface KvReader {
  hget(hash: string, field: string): string | undefined
  hgetall(hash: string): ReadonlyMap<string, string>
}

/** Write access shared by the store and its batches. */
export interface KvWriter extends KvReader {
  hset(hash: string, field: string, value: string): void
  hdel(hash: string, field: string): void
}

const EMPTY: ReadonlyMap<string, string> = new Map()

/** The committed data. */
export class KvStore implements KvWriter {
  readonly #hashes = new Map<string, Map<string, string>>()

  hget(hash: string, field: string): string | undefined {
    return this.#hashes.get(hash)?.get(field)
  }

  hgetall(hash: string): ReadonlyMap<string, string> {
    return this.#hashes.get(hash) ?? EMPTY
  }

  hset(hash: string, field: string, value: string): void {
    let fields = this.#hashes.get(hash)
    if (!fields) this.#hashes.set(hash, (fields = new Map()))
    fields.set(field, value)
  }

  hdel(hash: string, field: string): void {
    this.#hashes.get(hash)?.delete(field)
  }
}

/**
 * Buffered writes over a parent (the store or another batch). Reads see the buffer first; nothing reaches the
 * parent until `exec()`, so dropping a batch is a rollback.
 */
export class KvBatch implements KvWriter {
  /** hash → field → new value, or `null` for a deletion. */
  readonly #writes = new Map<string, Map<string, string | null>>()

  private readonly parent: KvWriter

  constructor(parent: KvWriter) {
    this.parent = parent
  }

  hget(hash: string, field: string): string | undefined {
    const pending = this.#writes.get(hash)?.get(field)
    if (pending !== undefined) return pending ?? undefined
    return this.parent.hget(hash, field)
  }

  hgetall(hash: string): ReadonlyMap<string, string> {
    const pending = this.#writes.get(hash)
    if (!pending) return this.parent.hgetall(hash)
    const merged = new Map(this.parent.hgetall(hash))
    for (const [field, value] of pending) {
      if (value === null) merged.delete(field)
      else merged.set(field, value)
    }
    return merged
  }

  hset(hash: string, field: string, value: string): void {
    this.#buffer(hash).set(field, value)
  }

  hdel(hash: string, field: string): void {
    this.#buffer(hash).set(field, null)
  }

  /** Applies every buffered write to the parent, in order. */
  exec(): void {
    for (const [hash, fields] of this.#writes) {
      for (const [field, value] of fields) {
        if (value === null) this.parent.hdel(hash, field)
        else this.parent.hset(hash, field, value)
      }
    }
    this.#writes.clear()
  }

  #buffer(hash: string): Map<string, string | null> {
    let fields = this.#writes.get(hash)
    if (!fields) this.#writes.set(hash, (fields = new Map()))
    return fields
  }
}
