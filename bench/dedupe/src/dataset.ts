// A seeded contacts set for duplicate detection: names from pools (so common name keys form blocks larger than the
// rule's maxBlockSize and are ignored, as in real data), an e-mail and a US phone unique to each person, and ~10 % of
// records re-entries of an earlier person (e-mail in another case, or a typo in the name with the same phone typed
// another way): those re-entries are the only true duplicates, whatever the set's size.
import type { ContactInput } from '@rapport/core/entities'

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'Ken',
  'Margaret',
  'Niklaus',
  'Radia',
  'Tim',
  'Ivan',
  'John',
  'Mary',
  'Linus',
  'Guido',
  'Anders',
  'Bjarne',
  'Dennis',
]
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
  'Hamilton',
  'Wirth',
  'Sutherland',
  'McCarthy',
  'Backus',
  'Kay',
  'Perlman',
  'Berners',
  'Torvalds',
  'Rossum',
  'Hejlsberg',
  'Ritchie',
]
const AREAS = [415, 212, 646, 312, 617, 206, 303, 512, 702, 305]

/** mulberry32: the same data every run. */
function random(seed: number) {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const typo = (s: string, r: number) => {
  const i = 1 + Math.floor(r * (s.length - 2))
  return s.slice(0, i) + s.slice(i + 1)
}

/** Distinct persons whose phone numbers the generator can make unique: 10 areas × 700 exchanges × 10,000 lines. */
const PHONES = AREAS.length * 700 * 10_000

/**
 * The `count` contact inputs of the seeded set, in order (the first `k` of a larger set are the set of `k`). Person `p`
 * has its own phone (area, exchange and line taken from `p` as digits of mixed radix, so no two persons share one
 * below 70M) and its own e-mail; its name is a first name and a last-name stem from the pools plus a three-letter
 * suffix (the same name comes back only after 7M persons), except every 50th suffix, left bare, whose names form the
 * large blocks that real data has.
 */
export function* contacts(count: number, seed = 7): Generator<ContactInput> {
  if (count > PHONES) throw new Error(`at most ${PHONES} contacts have unique phones`)
  const rnd = random(seed)
  let persons = 0
  for (let i = 0; i < count; i++) {
    const dup = i > 1000 && rnd() < 0.1
    const r = rnd()
    // A re-entry is of a person already entered (not of an earlier record, which may itself be a re-entry).
    const n = dup ? Math.floor(rnd() * persons) : persons++
    const suffix = Math.floor(n / (FIRST.length * LAST.length))
    const letters =
      String.fromCharCode(97 + (suffix % 26)) +
      String.fromCharCode(97 + (Math.floor(suffix / 26) % 26)) +
      String.fromCharCode(97 + (Math.floor(suffix / 676) % 26))
    const first = FIRST[n % FIRST.length] as string
    const last = `${LAST[Math.floor(n / FIRST.length) % LAST.length] as string}${suffix % 50 === 0 ? '' : letters}`
    const area = AREAS[n % AREAS.length] as number
    const rest = Math.floor(n / AREAS.length)
    const line = `${200 + (rest % 700)}${String(Math.floor(rest / 700)).padStart(4, '0')}`
    const email = `contact.${n}@example.com`
    const variant = dup ? (r < 0.5 ? 'email' : 'typo') : null
    yield {
      firstName: first,
      lastName: variant === 'typo' ? typo(last, rnd()) : last,
      emails: variant === 'typo' ? [] : [{ address: variant === 'email' ? email.toUpperCase() : email }],
      phones: [
        {
          number:
            variant === 'typo'
              ? `${area}.${line.slice(0, 3)}.${line.slice(3)}`
              : `(${area}) ${line.slice(0, 3)}-${line.slice(3)}`,
        },
      ],
    }
  }
}
