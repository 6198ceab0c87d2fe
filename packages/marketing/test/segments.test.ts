import { automationPlugin, createInProcessQueue } from '@rapport/automation'
import { createCrm, isRapportError } from '@rapport/core'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { marketingPlugin } from '../src/index.js'
import type { SegmentMembershipEvent } from '../src/segments/index.js'

function build(storage: TestStorage['storage'], clock: () => Date) {
  const queue = createInProcessQueue()
  return createCrm({
    storage,
    clock,
    customFields: { contact: [{ key: 'tier', type: 'text' }] },
    plugins: [
      marketingPlugin({ clock }),
      automationPlugin({ clock, queue, entities: ['contact', 'segmentMembership'] }),
    ] as const,
  })
}

const names = (page: { items: Record<string, unknown>[] }) => page.items.map((r) => r['firstName']).sort()

for (const backend of storages) {
  describe(`segments on ${backend.name}`, () => {
    let opened: TestStorage
    let now = new Date('2026-05-01T08:00:00.000Z')
    const clock = () => now
    let crm: ReturnType<typeof build>
    const ids: Record<string, string> = {}
    const events: [string, SegmentMembershipEvent][] = []

    beforeAll(async () => {
      opened = await backend.open('segments')
      crm = build(opened.storage, clock)
      await crm.migrate()
      for (const [name, tags, tier] of [
        ['Ada', ['vip'], 'gold'],
        ['Bo', ['vip', 'churned'], 'gold'],
        ['Cy', [], 'silver'],
        ['Di', ['vip'], null],
        ['Ed', [], 'gold'],
      ] as const) {
        const c = await crm.contacts.create({
          firstName: name,
          tags: [...tags],
          custom: tier ? { tier } : {},
        })
        ids[name] = c.id
      }
      for (const type of ['segment.entered', 'segment.left'] as const) {
        crm.events.on(
          type as never,
          ((payload: SegmentMembershipEvent) => {
            events.push([type, payload])
          }) as never,
        )
      }
    })
    afterAll(() => opened.dispose())

    it('counts and lists dynamic, static and combined segments in the database', async () => {
      const seg = crm.plugins.marketing.segments
      const vip = await seg.create({
        name: 'VIP',
        kind: 'dynamic',
        filter: { field: 'tags', op: 'eq', value: 'vip' },
      })
      const gold = await seg.create({
        name: 'Gold',
        kind: 'dynamic',
        filter: { field: 'custom.tier', op: 'eq', value: 'gold' },
      })
      const blocked = await seg.create({ name: 'Do not contact', kind: 'static' })
      expect(await seg.add(blocked.id, [ids['Bo']!, ids['Ed']!])).toBe(2)
      expect(await seg.add(blocked.id, [ids['Bo']!])).toBe(0)
      const target = await seg.create({
        name: 'VIP or gold, reachable',
        kind: 'dynamic',
        filter: { field: 'tags', op: 'eq', value: 'vip' },
        include: [gold.id],
        exclude: [blocked.id],
      })
      expect(await seg.count(vip.id)).toBe(3)
      expect(names(await seg.list(vip.id))).toEqual(['Ada', 'Bo', 'Di'])
      expect(await seg.count(blocked.id)).toBe(2)
      expect(names(await seg.list(target.id))).toEqual(['Ada', 'Di'])
      expect(await seg.count(target.id)).toBe(2)
      // The segment's filter is a plain core filter: the same records as the segment API, in one more query.
      expect(await crm.contacts.count({ where: await seg.filter(target.id) })).toBe(2)
      expect(await seg.remove(blocked.id, [ids['Ed']!])).toBe(1)
      expect(names(await seg.list(target.id))).toEqual(['Ada', 'Di', 'Ed'])
      // Keyset pages over the members.
      const first = await seg.list(target.id, { limit: 2 })
      const second = await seg.list(target.id, { limit: 2, cursor: first.nextCursor })
      expect([...names(first), ...names(second)].sort()).toEqual(['Ada', 'Di', 'Ed'])
    })

    it('freezes snapshot segments while dynamic ones follow the data', async () => {
      const seg = crm.plugins.marketing.segments
      const filter = { field: 'custom.tier', op: 'eq', value: 'silver' } as const
      const live = await seg.create({ name: 'Silver', kind: 'dynamic', filter })
      const frozen = await seg.create({ name: 'Silver on May 1', kind: 'snapshot', filter })
      expect((await seg.snapshot(frozen.id)).memberCount).toBe(1)
      await crm.contacts.update(ids['Ada']!, { custom: { tier: 'silver' } })
      expect(await seg.count(live.id)).toBe(2)
      expect(await seg.count(frozen.id)).toBe(1)
      const again = await seg.snapshot(frozen.id)
      expect(again.memberCount).toBe(2)
      expect(await seg.count(frozen.id)).toBe(2)
      await crm.contacts.update(ids['Ada']!, { custom: { tier: 'gold' } })
    })

    it('sweeps dynamic membership into segment.entered / segment.left, once per change', async () => {
      const seg = crm.plugins.marketing.segments
      const silver = await seg.create({
        name: 'Silver sweep',
        kind: 'dynamic',
        filter: { field: 'custom.tier', op: 'eq', value: 'silver' },
      })
      events.length = 0
      const [first] = await seg.sweep(silver.id)
      expect(first).toEqual({ segmentId: silver.id, entered: 1, left: 0, memberCount: 1 })
      expect(events).toEqual([
        [
          'segment.entered',
          { tenantId: 'default', segmentId: silver.id, entity: 'contact', recordId: ids['Cy'], at: now },
        ],
      ])
      expect((await seg.sweep(silver.id))[0]).toMatchObject({ entered: 0, left: 0, memberCount: 1 })
      now = new Date(now.getTime() + 60_000)
      await crm.contacts.update(ids['Ed']!, { custom: { tier: 'silver' } })
      await crm.contacts.update(ids['Cy']!, { custom: { tier: 'bronze' } })
      events.length = 0
      expect((await seg.sweep(silver.id))[0]).toMatchObject({ entered: 1, left: 1, memberCount: 1 })
      expect(events.map(([t, e]) => [t, e.recordId])).toEqual([
        ['segment.entered', ids['Ed']],
        ['segment.left', ids['Cy']],
      ])
      // Archived and deleted records leave too.
      const gone = await crm.contacts.create({ firstName: 'Gone', custom: { tier: 'silver' } })
      await seg.sweep(silver.id)
      await crm.contacts.archive(ids['Ed']!)
      await crm.contacts.delete(gone.id)
      events.length = 0
      expect((await seg.sweep(silver.id))[0]).toMatchObject({ entered: 0, left: 2, memberCount: 0 })
      expect(events.map(([, e]) => e.recordId).sort()).toEqual([gone.id, ids['Ed']].sort())
      expect((await seg.get(silver.id)).sweptAt).toEqual(now)
      await crm.contacts.restore(ids['Ed']!)
    })

    it('drives automation rules: entering a segment is a record trigger on segmentMembership', async () => {
      const seg = crm.plugins.marketing.segments
      const gold = await seg.create({
        name: 'Gold for automation',
        kind: 'dynamic',
        filter: { field: 'custom.tier', op: 'eq', value: 'gold' },
      })
      const engine = crm.plugins.automation
      engine.register({
        id: 'welcome-gold',
        name: 'Welcome new gold members',
        entity: 'segmentMembership',
        trigger: { type: 'record', events: ['created'] },
        conditions: { field: 'segmentId', op: 'eq', value: gold.id },
        actions: [{ type: 'emitEvent', event: 'gold.welcomed', data: { contact: '{{record.recordId}}' } }],
      })
      await seg.sweep(gold.id)
      await engine.tick()
      const runs = (await engine.log({ ruleId: 'welcome-gold' })).items
      const members = await crm.entity('segmentMembership').list({
        where: { field: 'segmentId', op: 'eq', value: gold.id },
      })
      expect(runs.map((r) => r.recordId).sort()).toEqual(members.items.map((m) => m['id']).sort())
      expect(members.items.map((m) => m['recordId']).sort()).toEqual(
        (await seg.list(gold.id)).items.map((c) => c['id']).sort(),
      )
      engine.unregister('welcome-gold')
    })

    it('rejects cycles, unknown fields and kinds without a filter with typed errors, writing nothing', async () => {
      const seg = crm.plugins.marketing.segments
      const a = await seg.create({ name: 'A', kind: 'static' })
      const b = await seg.create({ name: 'B', kind: 'static', include: [a.id] })
      const c = await seg.create({
        name: 'C',
        kind: 'dynamic',
        filter: { field: 'firstName', op: 'eq', value: 'x' },
        exclude: [b.id],
      })
      const before = await crm.entity('segment').count()
      const cycle = await seg.update(a.id, { include: [c.id] }).catch((e: unknown) => e)
      expect(isRapportError(cycle, 'MARKETING_SEGMENT_CYCLE')).toBe(true)
      expect((cycle as { details: { path: string[] } }).details.path).toEqual([a.id, c.id, b.id, a.id])
      expect((await seg.get(a.id)).include).toEqual([])
      const self = await seg.update(a.id, { exclude: [a.id] }).catch((e: unknown) => e)
      expect(isRapportError(self, 'MARKETING_SEGMENT_CYCLE')).toBe(true)
      const unknownField = await seg
        .create({ name: 'Bad', kind: 'dynamic', filter: { field: 'tierr', op: 'eq', value: 'x' } })
        .catch((e: unknown) => e)
      expect(isRapportError(unknownField, 'INVALID_FILTER')).toBe(true)
      const badUpdate = await seg
        .update(c.id, { filter: { field: 'custom.nope', op: 'eq', value: 1 } })
        .catch((e: unknown) => e)
      expect(isRapportError(badUpdate, 'INVALID_FILTER')).toBe(true)
      expect((await seg.get(c.id)).filter).toEqual({ field: 'firstName', op: 'eq', value: 'x' })
      for (const input of [
        { name: 'No filter', kind: 'dynamic' as const },
        {
          name: 'Static with filter',
          kind: 'static' as const,
          filter: { field: 'firstName', op: 'eq', value: 'x' },
        },
        { name: 'Deals', kind: 'static' as const, entity: 'deal' },
        { name: 'Unknown include', kind: 'static' as const, include: ['seg_nope'] },
      ]) {
        const err = await seg.create(input as never).catch((e: unknown) => e)
        expect(isRapportError(err, 'MARKETING_INVALID_SEGMENT')).toBe(true)
      }
      const kindChange = await seg.update(a.id, { kind: 'dynamic' } as never).catch((e: unknown) => e)
      expect(isRapportError(kindChange, 'MARKETING_INVALID_SEGMENT')).toBe(true)
      const addToDynamic = await seg.add(c.id, [ids['Ada']!]).catch((e: unknown) => e)
      expect(isRapportError(addToDynamic, 'MARKETING_INVALID_SEGMENT')).toBe(true)
      const unknownRecord = await seg.add(a.id, [ids['Ada']!, 'con_nope']).catch((e: unknown) => e)
      expect(isRapportError(unknownRecord, 'MARKETING_INVALID_SEGMENT')).toBe(true)
      expect(await seg.count(a.id)).toBe(0)
      expect(await crm.entity('segment').count()).toBe(before)
    })
  })
}
