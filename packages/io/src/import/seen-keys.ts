/**
 * The keys an import has seen in its file, each with the line it first appeared on, to report later rows with the
 * same key as duplicates inside the file. Kept as 64-bit hashes in typed arrays (an open-addressing table, 12 bytes a
 * slot, at most half full): a million keys take 24–48 MB outside the JavaScript heap instead of ~80 MB of strings in
 * a `Map` on it, which an import capped at a 160 MB heap could not afford. Two different keys share a hash with a
 * probability of about n²/2⁶⁵ (3·10⁻⁸ for a million keys).
 */
export class SeenKeys {
  #high: Uint32Array
  #low: Uint32Array
  #lines: Uint32Array
  #size = 0

  constructor(capacity = 1 << 12) {
    const slots = 2 ** Math.ceil(Math.log2(Math.max(16, capacity)))
    this.#high = new Uint32Array(slots)
    this.#low = new Uint32Array(slots)
    this.#lines = new Uint32Array(slots)
  }

  /** How many keys are remembered. */
  get size(): number {
    return this.#size
  }

  /** The line `key` was first seen on, or `undefined`. */
  get(key: string): number | undefined {
    const [high, low] = hash64(key)
    const slot = this.#find(high, low)
    const line = this.#lines[slot] as number
    return line === 0 ? undefined : line
  }

  /** Remembers `key` at `line` (a positive line number), unless it was seen before. */
  add(key: string, line: number): void {
    if (!Number.isInteger(line) || line < 1 || line > 0xffffffff) throw new RangeError(`Bad line ${line}`)
    const [high, low] = hash64(key)
    const slot = this.#find(high, low)
    if (this.#lines[slot] !== 0) return
    this.#high[slot] = high
    this.#low[slot] = low
    this.#lines[slot] = line
    this.#size++
    if (this.#size * 2 > this.#lines.length) this.#grow()
  }

  /** The slot holding this hash, or the empty slot where it belongs (linear probing). */
  #find(high: number, low: number): number {
    const mask = this.#lines.length - 1
    let slot = low & mask
    while (this.#lines[slot] !== 0 && (this.#high[slot] !== high || this.#low[slot] !== low)) {
      slot = (slot + 1) & mask
    }
    return slot
  }

  #grow(): void {
    const high = this.#high
    const low = this.#low
    const lines = this.#lines
    this.#high = new Uint32Array(lines.length * 2)
    this.#low = new Uint32Array(lines.length * 2)
    this.#lines = new Uint32Array(lines.length * 2)
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] === 0) continue
      const slot = this.#find(high[i] as number, low[i] as number)
      this.#high[slot] = high[i] as number
      this.#low[slot] = low[i] as number
      this.#lines[slot] = lines[i] as number
    }
  }
}

/** Two independent 32-bit hashes of the UTF-16 code units (cyrb53's two lanes, kept whole). */
function hash64(text: string): [number, number] {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 2654435761)
    h2 = Math.imul(h2 ^ c, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return [h1 >>> 0, h2 >>> 0]
}
