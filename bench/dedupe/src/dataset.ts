// A seeded contacts set for duplicate detection: names from pools (so common name keys form blocks larger than the
// rule's maxBlockSize and are ignored, as in real data), unique e-mails and US phones, and ~5 % re-entries of an
// earlier person (e-mail in another case, or a typo in the name with the same phone typed another way).
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

/** The `count` contact inputs of the seeded set, in order. */
export function* contacts(count: number, seed = 7): Generator<ContactInput> {
  const rnd = random(seed)
  for (let i = 0; i < count; i++) {
    const dup = i > 1000 && rnd() < 0.05
    const r = rnd()
    const n = dup ? Math.floor(rnd() * i) : i
    if (!dup) rnd()
    const suffix = Math.floor(n / (FIRST.length * LAST.length))
    const first = FIRST[n % FIRST.length] as string
    const last = `${LAST[Math.floor(n / FIRST.length) % LAST.length] as string}${suffix % 50 === 0 ? '' : String.fromCharCode(97 + (suffix % 26)) + String.fromCharCode(97 + (Math.floor(suffix / 26) % 26))}`
    const area = AREAS[n % AREAS.length] as number
    const line = `${200 + ((n >> 4) % 700)}${String(n % 10000).padStart(4, '0')}`
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
