import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** One FEBRL record mapped onto a contact-shaped record (FEBRL © ANU, ANUOS 1.3: see fixtures/febrl/NOTICE.md). */
export type FebrlRecord = {
  readonly recId: string
  /** The person the record describes: `rec-552-org` and `rec-552-dup-3` are both person 552. */
  readonly person: string
  readonly firstName: string
  readonly lastName: string
  readonly address: { street: string; city: string; postalCode: string; region: string }
  readonly custom: { birthDate: string; nationalId: string }
}

/** Reads a FEBRL fixture (`dataset3`, `dataset4a`, `dataset4b`). */
export function readFebrl(name: string): FebrlRecord[] {
  const text = readFileSync(fileURLToPath(new URL(`./fixtures/febrl/${name}.csv`, import.meta.url)), 'utf8')
  const [, ...lines] = text.split(/\r?\n/).filter((l) => l.trim().length > 0)
  return lines.map((line) => {
    const [recId, given, surname, number, address1, address2, suburb, postcode, state, dob, ssn] = line
      .split(',')
      .map((v) => v.trim())
    return {
      recId: recId as string,
      person: (recId as string).split('-')[1] as string,
      firstName: given ?? '',
      lastName: surname ?? '',
      address: {
        street: [number, address1, address2].filter(Boolean).join(' '),
        city: suburb ?? '',
        postalCode: postcode ?? '',
        region: state ?? '',
      },
      custom: { birthDate: dob ?? '', nationalId: ssn ?? '' },
    }
  })
}

/** Precision, recall (pair completeness when `pairs` are all candidates) and F1 of found pairs against the truth. */
export function accuracy(found: readonly { a: FebrlRecord; b: FebrlRecord }[], truePairs: number) {
  const tp = found.filter((p) => p.a.person === p.b.person).length
  const precision = found.length === 0 ? 1 : tp / found.length
  const recall = tp / truePairs
  return { tp, found: found.length, precision, recall, f1: (2 * precision * recall) / (precision + recall) }
}

/** The number of true pairs in a dedupe set: n·(n−1)/2 per person. */
export function truePairCount(records: readonly FebrlRecord[]): number {
  const byPerson = new Map<string, number>()
  for (const r of records) byPerson.set(r.person, (byPerson.get(r.person) ?? 0) + 1)
  let pairs = 0
  for (const n of byPerson.values()) pairs += (n * (n - 1)) / 2
  return pairs
}
