const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** Monotonic state so ids minted in the same millisecond still sort in creation order. */
interface IdState {
  lastTime: number
  lastRandom: Uint8Array
  /** CSPRNG bytes drawn a block at a time (one `getRandomValues` call per ~400 ids, not one per id). */
  readonly pool: Uint8Array
  /** The next unused byte of `pool`. */
  poolAt: number
}

/** Fills `target` with fresh random bytes from the generator's pool, refilling the pool when it runs out. */
function fillRandom(state: IdState, target: Uint8Array): void {
  if (state.poolAt + target.length > state.pool.length) {
    crypto.getRandomValues(state.pool)
    state.poolAt = 0
  }
  for (let i = 0; i < target.length; i++) target[i] = state.pool[state.poolAt++]!
}

function encodeTime(time: number): string {
  let out = ''
  let t = time
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32] + out
    t = Math.floor(t / 32)
  }
  return out
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits → 16 base32 characters, 5 bits at a time.
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += CROCKFORD[(buffer >> bits) & 31]
    }
  }
  return out
}

function increment(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i] !== 255) {
      bytes[i] = (bytes[i] ?? 0) + 1
      return true
    }
    bytes[i] = 0
  }
  return false
}

/**
 * Mints prefixed, time-sortable ids: `con_01JD…` is a ULID (48-bit millisecond time + 80 random bits, Crockford
 * base32) after the entity prefix. Ids from one generator sort in creation order, even within a millisecond.
 *
 * @example
 * ```ts
 * const nextId = createIdGenerator()
 * nextId('con', new Date()) // 'con_01JDQ3S1Z4W6Y2M8B7N5K3H1G0'
 * ```
 */
export function createIdGenerator(): (prefix: string, now: Date) => string {
  const pool = new Uint8Array(4096)
  const state: IdState = { lastTime: -1, lastRandom: new Uint8Array(10), pool, poolAt: pool.length }
  return (prefix, now) => {
    let time = now.getTime()
    if (time <= state.lastTime) {
      // Same (or an earlier, skewed) millisecond: keep order by bumping the random part of the last id.
      time = state.lastTime
      if (!increment(state.lastRandom)) {
        time += 1
        fillRandom(state, state.lastRandom)
      }
    } else {
      fillRandom(state, state.lastRandom)
    }
    state.lastTime = time
    return `${prefix}_${encodeTime(time)}${encodeRandom(state.lastRandom)}`
  }
}

/** The id shape: a lowercase prefix, an underscore, and 26 Crockford base32 characters. */
export const ID_PATTERN = /^[a-z][a-z0-9]*_[0-9A-HJKMNP-TV-Z]{26}$/
