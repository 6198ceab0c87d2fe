import { isRapportError } from '@rapport/core'
import { describe, expect, it } from 'vitest'
import { setup } from './helpers.js'

describe('engine.log pages like every list API (core’s keyset cursor)', () => {
  it('pages with limit + cursor, iterates every run, and refuses a page above 1,000 like list()', async () => {
    const { crm, engine, advance } = await setup()
    engine.register({
      id: 'tag',
      name: 'Tag new contacts',
      entity: 'contact',
      trigger: { type: 'record', events: ['created'] },
      actions: [{ type: 'addTag', tag: 'new' }],
    })
    for (let i = 0; i < 7; i++) {
      await crm.contacts.create({ firstName: `C${i}` })
      advance(i % 2 === 0 ? 0 : 1000) // some runs share a createdAt: the cursor must still be exact
    }
    await engine.runDue()
    const paged = []
    let cursor: string | null = null
    do {
      const page: Awaited<ReturnType<typeof engine.log>> = await engine.log({
        ruleId: 'tag',
        limit: 3,
        cursor,
      })
      expect(page.items.length).toBeLessThanOrEqual(3)
      paged.push(...page.items)
      cursor = page.nextCursor
      expect(page.hasMore).toBe(cursor !== null)
    } while (cursor)
    expect(paged).toHaveLength(7)
    expect(new Set(paged.map((r) => r.id)).size).toBe(7)
    const iterated = []
    for await (const run of engine.iterateLog({ ruleId: 'tag', limit: 2 })) iterated.push(run)
    expect(iterated).toEqual(paged)
    // Newest first, each with its steps.
    const times = paged.map((r) => r.createdAt.getTime())
    expect([...times].sort((a, b) => b - a)).toEqual(times)
    expect(paged.every((r) => r.steps.length === 1)).toBe(true)
    // The same bound and error as crm.contacts.list.
    const tooMany = await engine.log({ limit: 1001 }).catch((e: unknown) => e)
    const listTooMany = await crm.contacts.list({ limit: 1001 }).catch((e: unknown) => e)
    expect(isRapportError(tooMany)).toBe(true)
    expect((tooMany as { code: string }).code).toBe((listTooMany as { code: string }).code)
    expect((await engine.log({ limit: 1000 })).items).toHaveLength(7)
  })
})
