import type { TieBreak } from './assignment-types.js'

/** FNV-1a, 32 bits: a small, stable hash for seeded tie-breaks. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

/**
 * Orders tied candidates: by their given order without a tie-break, or by a hash of (seed, record id, user id), so
 * the same seed always picks the same user for the same record and different records spread evenly.
 */
export function breakTies(candidates: readonly string[], recordId: string, tieBreak?: TieBreak): string[] {
  if (!tieBreak) return [...candidates]
  return [...candidates].sort(
    (a, b) =>
      fnv1a(`${tieBreak.seed}:${recordId}:${a}`) - fnv1a(`${tieBreak.seed}:${recordId}:${b}`) ||
      (a < b ? -1 : 1),
  )
}

/** The user after `last` in `users`, wrapping around; the first user when `last` is unknown. */
export function nextRoundRobin(users: readonly string[], last: string | null): string {
  const i = last === null ? -1 : users.indexOf(last)
  return users[(i + 1) % users.length] as string
}

/** The users with the lowest load (`load(user)`), in order; `undefined` loads are ineligible. */
export function lowestLoad(users: readonly string[], load: (user: string) => number | undefined): string[] {
  let best = Number.POSITIVE_INFINITY
  let out: string[] = []
  for (const user of users) {
    const l = load(user)
    if (l === undefined) continue
    if (l < best) {
      best = l
      out = [user]
    } else if (l === best) out.push(user)
  }
  return out
}
