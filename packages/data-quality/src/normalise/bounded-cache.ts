/**
 * A cache for pure functions of a string, bounded by `size` entries and emptied when full, so memory stays flat
 * however many distinct inputs go through. An import reads each value several times (the in-file key, the upsert
 * look-up, the match keys written with the record), and real files repeat domains, surnames and companies.
 *
 * Two generations: when the current one is full it becomes the previous one (the one before is dropped), and `get`
 * reads both. So a value stays cached for at least `size` further insertions, never emptied between two reads of
 * one batch (an import normalises a batch's phones, then computes the batch's match keys from the same numbers), and
 * at most `2 × size` entries are held.
 */
export class BoundedCache<T> {
  readonly #size: number
  #entries = new Map<string, T>()
  #previous = new Map<string, T>()

  constructor(size: number) {
    this.#size = size
  }

  /** The cached value of `key`, or `undefined`. */
  get(key: string): T | undefined {
    const hit = this.#entries.get(key)
    return hit !== undefined ? hit : this.#previous.get(key)
  }

  /** Caches `value` under `key` (starting a new generation first when the current one is full). */
  set(key: string, value: T): void {
    if (this.#entries.size >= this.#size) {
      this.#previous = this.#entries
      this.#entries = new Map()
    }
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
