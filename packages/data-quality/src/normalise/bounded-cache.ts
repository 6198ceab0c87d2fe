/**
 * A cache for pure functions of a string, bounded by `size` entries and emptied when full, so memory stays flat
 * however many distinct inputs go through. An import reads each value several times (the in-file key, the upsert
 * look-up, the match keys written with the record), and real files repeat domains, surnames and companies.
 */
export class BoundedCache<T> {
  readonly #size: number
  readonly #entries = new Map<string, T>()

  constructor(size: number) {
    this.#size = size
  }

  /** The cached value of `key`, or `undefined`. */
  get(key: string): T | undefined {
    return this.#entries.get(key)
  }

  /** Caches `value` under `key` (emptying the cache first when it is full). */
  set(key: string, value: T): void {
    if (this.#entries.size >= this.#size) this.#entries.clear()
    this.#entries.set(key, value)
  }
}

/** `fn` with its results kept in a {@link BoundedCache} of `size` entries; `fn` must be pure and never return `undefined`. */
export function cached<T>(fn: (input: string) => T, size = 4096): (input: string) => T {
  const cache = new BoundedCache<T>(size)
  return (input) => {
    const hit = cache.get(input)
    if (hit !== undefined) return hit
    const value = fn(input)
    cache.set(input, value)
    return value
  }
}
