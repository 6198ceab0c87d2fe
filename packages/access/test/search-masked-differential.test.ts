import { matchesSearch, parseSearchQuery, searchDocument, searchTier } from '@rapport/core/search'
import { createMemoryStorage } from '@rapport/core/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccessBackend, Seeded } from './fixture.js'
import { backends, seededCrm } from './fixture.js'

// What a rep may read of a contact's search fields (emails and phones are masked for reps in `salesPolicy()`).
const readableModel = {
  searchFields: ['firstName', 'middleName', 'lastName', 'title'],
  searchPhrases: [
    ['firstName', 'middleName', 'lastName'],
    ['lastName', 'firstName'],
  ],
}

/**
 * The reference: the rep's own contacts found and ranked by their readable fields alone (the search document of those
 * fields, `matchesSearch`, then `searchTier`, then id), as if the masked fields held nothing.
 */
function expected(
  visible: readonly {
    id: string
    firstName?: string | null
    lastName?: string | null
    title?: string | null
  }[],
  query: string,
  limit: number,
): string[] {
  const parsed = parseSearchQuery(query)
  return visible
    .map((c) => {
      const row = { firstName: c.firstName ?? null, lastName: c.lastName ?? null, title: c.title ?? null }
      return { id: c.id, doc: { ...row, ...searchDocument(readableModel, row) } }
    })
    .filter((c) => matchesSearch(c.doc, parsed))
    .sort((a, b) => searchTier(a.doc, parsed) - searchTier(b.doc, parsed) || (a.id < b.id ? -1 : 1))
    .slice(0, limit)
    .map((c) => c.id)
}

const ascii = ['ada', 'adam', 'client', 'client5', 'zoo']
const words = [...ascii, '张伟', '张伟明', '星辰']
const word = fc.constantFrom(...words)
// A local part that is often a readable word too, so masked keys equal or extend the queries.
const email = fc
  .tuple(fc.constantFrom(...ascii), fc.option(fc.nat(9), { nil: undefined }), fc.constantFrom(...ascii))
  .map(([a, n, b]) => `${a}${n ?? ''}@${b}.example`)
const contact = fc.record({
  firstName: word,
  lastName: fc.option(word, { nil: undefined }),
  title: fc.option(
    fc.tuple(word, word).map(([a, b]) => `${a} ${b}`),
    { nil: undefined },
  ),
  email: fc.option(email, { nil: undefined }),
  phone: fc.option(
    fc.integer({ min: 10_000_000, max: 99_999_999 }).map((n) => `+86139${n}`),
    { nil: undefined },
  ),
})
const query = fc.oneof(
  word,
  word.map((w) => Array.from(w).slice(0, 2).join('')),
  email,
  email.map((e) => e.split('@')[0] as string),
  fc.tuple(word, word).map(([a, b]) => `${a} ${b}`),
  fc.constant('139'),
)

const memory = (): AccessBackend => ({
  name: 'memory',
  storage: createMemoryStorage(),
  close: async () => {},
})

for (const open of [memory, ...backends()]) {
  describe(`search under masked fields (${open().name})`, () => {
    let backend: AccessBackend
    let s: Seeded
    beforeAll(async () => {
      backend = open()
      s = await seededCrm(backend.storage)
    }, 60_000)
    afterAll(async () => {
      await backend.close()
    })

    it('a term only a masked field holds finds nothing; a readable one finds the record', async () => {
      const ray = s.as('usr_ray')
      const c = await s.as('usr_ada').contacts.create({
        firstName: 'Numbat',
        ownerId: 'usr_ray',
        emails: [{ address: 'platypus@zoo.example' }],
        phones: [{ number: '+8613977775555' }],
      })
      try {
        for (const masked of ['platypus', 'platypus@zoo.example', 'plat', '13977775555', '+86 139 7777 5555'])
          expect(await ray.contacts.search(masked), masked).toEqual([])
        expect((await ray.contacts.search('numbat')).map((r) => r.id)).toEqual([c.id])
        // Both together: the masked term is not found through the readable field.
        expect(await ray.contacts.search('numbat platypus')).toEqual([])
        // The admin reads every field.
        expect((await s.as('usr_ada').contacts.search('platypus')).map((r) => r.id)).toEqual([c.id])
      } finally {
        await s.as('usr_ada').contacts.delete(c.id)
      }
    })

    it("a rep's results and their order are those of the readable fields alone (property)", async () => {
      const ray = s.as('usr_ray')
      const ada = s.as('usr_ada')
      await fc.assert(
        fc.asyncProperty(
          fc.array(contact, { minLength: 1, maxLength: 10 }),
          fc.array(fc.tuple(query, fc.integer({ min: 1, max: 6 })), { minLength: 1, maxLength: 4 }),
          async (contacts, queries) => {
            const created: string[] = []
            try {
              for (const c of contacts) {
                const record = await ada.contacts.create({
                  firstName: c.firstName,
                  ...(c.lastName ? { lastName: c.lastName } : {}),
                  ...(c.title ? { title: c.title } : {}),
                  ...(c.email ? { emails: [{ address: c.email }] } : {}),
                  ...(c.phone ? { phones: [{ number: c.phone }] } : {}),
                  ownerId: 'usr_ray',
                })
                created.push(record.id)
              }
              const visible = (await ray.contacts.list({ limit: 100 })).items
              for (const [text, limit] of queries) {
                const found = (await ray.contacts.search(text, { limit })).map((r) => r.id)
                expect(found, `${text} (limit ${limit})`).toEqual(expected(visible, text, limit))
              }
            } finally {
              for (const id of created) await ada.contacts.delete(id)
            }
          },
        ),
        {
          numRuns: 40,
          // A masked email starting with the query must not lift its row above a readable prefix match.
          examples: [
            [
              [
                {
                  firstName: 'zoo',
                  lastName: undefined,
                  title: 'zoo ada',
                  email: 'ada@zoo.example',
                  phone: undefined,
                },
                {
                  firstName: 'zoo',
                  lastName: undefined,
                  title: 'adam zoo',
                  email: undefined,
                  phone: undefined,
                },
              ],
              [['ada', 6]],
            ],
          ],
        },
      )
    }, 120_000)
  })
}
