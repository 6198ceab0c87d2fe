import { createCrm } from '@rapport/core'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { marketingPlugin } from '../src/index.js'
import type { SegmentMembershipEvent } from '../src/segments/index.js'

// More members than one sweep page (500), so two sweeps started together interleave their pages.
const MEMBERS = 1_200

for (const backend of storages) {
  describe(`concurrent sweeps of one segment on ${backend.name}`, () => {
    let opened: TestStorage
    const clock = () => new Date('2026-05-01T08:00:00.000Z')
    // Two CRMs on one storage stand for two app instances whose schedulers sweep the same segment at once.
    let crms: ReturnType<typeof build>[]
    const build = (storage: TestStorage['storage']) =>
      createCrm({ storage, clock, plugins: [marketingPlugin({ clock })] as const })
    const events: [string, SegmentMembershipEvent][] = []
    const ids: string[] = []

    beforeAll(async () => {
      opened = await backend.open('sweep_race')
      crms = [build(opened.storage), build(opened.storage)]
      await crms[0]!.migrate()
      for (const crm of crms) {
        for (const type of ['segment.entered', 'segment.left'] as const) {
          crm.events.on(
            type as never,
            ((payload: SegmentMembershipEvent) => {
              events.push([type, payload])
            }) as never,
          )
        }
      }
      const created = await crms[0]!.contacts.createMany(
        Array.from({ length: MEMBERS }, (_, i) => ({ firstName: `M${i}`, tags: ['race'] })),
      )
      ids.push(...created.map((c) => c.id))
    }, 120_000)
    afterAll(() => opened.dispose())

    it('both finish; every member enters once and leaves once, with one event each', async () => {
      const [a, b] = crms.map((crm) => crm.plugins.marketing.segments)
      const segment = await a!.create({
        name: 'Race',
        kind: 'dynamic',
        filter: { field: 'tags', op: 'eq', value: 'race' },
      })
      events.length = 0
      const entered = await Promise.all([a!.sweep(segment.id), b!.sweep(segment.id)])
      expect(entered.map(([r]) => r!.entered).reduce((x, y) => x + y)).toBe(MEMBERS)
      expect(await a!.count(segment.id)).toBe(MEMBERS)
      const enteredIds = events.filter(([t]) => t === 'segment.entered').map(([, e]) => e.recordId)
      expect(enteredIds).toHaveLength(MEMBERS)
      expect(new Set(enteredIds).size).toBe(MEMBERS)

      await crms[0]!.contacts.updateMany(ids.map((id) => ({ id, patch: { tags: [] } })))
      events.length = 0
      const left = await Promise.all([a!.sweep(segment.id), b!.sweep(segment.id)])
      expect(left.map(([r]) => r!.left).reduce((x, y) => x + y)).toBe(MEMBERS)
      expect(await a!.count(segment.id)).toBe(0)
      const leftIds = events.filter(([t]) => t === 'segment.left').map(([, e]) => e.recordId)
      expect(leftIds).toHaveLength(MEMBERS)
      expect(new Set(leftIds).size).toBe(MEMBERS)
    }, 120_000)
  })
}
