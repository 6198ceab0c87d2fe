import { automationPlugin, createInProcessQueue } from '@rapport/automation'
import type { CrmServices } from '@rapport/core'
import { createCrm, isRapportError } from '@rapport/core'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, describe, expect, it } from 'vitest'
import { auditPlugin } from '../src/index.js'

const open: TestStorage[] = []
afterAll(async () => {
  for (const s of open) await s.dispose()
})

const N = 6
const at = new Date('2026-03-02T09:00:00.000Z')

async function crmOn(s: (typeof storages)[number], name: string, batchSize?: number) {
  const storage = await s.open(name)
  open.push(storage)
  const queue = createInProcessQueue(batchSize === undefined ? {} : { batchSize })
  const crm = createCrm({
    storage: storage.storage,
    clock: () => at,
    plugins: [auditPlugin(), automationPlugin({ clock: () => at, queue })] as const,
  })
  await crm.migrate()
  return crm
}

/** Tasks (by title), their links and their audit rows, without the ids that differ between two CRMs. */
async function written(crm: CrmServices, causeOf: (causationId: string | null) => string | null) {
  const tasks = (await crm.tasks.list({ orderBy: [{ field: 'title' }], limit: 100 })).items
  const titleOf = new Map(tasks.map((t) => [t.id, t.title]))
  const links = (await crm.entity<Record<string, unknown>>('recordLink').list({ limit: 100 })).items
  const audit = (await crm.entity<Record<string, unknown>>('auditEvent').list({ limit: 1000 })).items
  return {
    tasks: tasks.map((t) => ({
      title: t.title,
      targets: t.targets.map((x) => x.type),
      createdAt: t.createdAt,
    })),
    links: links
      .map((l) => ({
        source: titleOf.get(l['sourceId'] as string),
        target: l['targetType'],
        at: l['sourceAt'],
      }))
      .sort((a, b) => String(a.source).localeCompare(String(b.source))),
    audit: audit
      .filter((e) => e['entity'] === 'task')
      .map((e) => ({
        task: titleOf.get(e['recordId'] as string),
        action: e['action'],
        channel: e['channel'],
        channelRef: e['channelRef'],
        cause: causeOf(e['causationId'] as string | null),
        fields: [...(e['fields'] as string[])].sort(),
      }))
      .sort((a, b) => String(a.task).localeCompare(String(b.task))),
  }
}

describe.each(storages)('createMany with per-item write origins ($name)', (s) => {
  it('writes the tasks, links and audit rows a transaction of single creates under each origin writes', async () => {
    const one = await crmOn(s, 'origins_one')
    const many = await crmOn(s, 'origins_many')
    const made = async (crm: CrmServices) => {
      const contacts = await crm.contacts.createMany(
        Array.from({ length: N }, (_, i) => ({ firstName: `C${i}` })),
      )
      const inputs = contacts.map((c, i) => ({
        title: `Task ${i}`,
        targets: [{ type: 'contact', id: c.id }],
      }))
      // Items 0 and 3 keep the session's origin; the others are caused by their own run.
      const originOf = (i: number) =>
        i % 3 === 0
          ? undefined
          : { channel: 'automation' as const, channelRef: 'rule', causationId: `run_${i}` }
      return { inputs, originOf }
    }
    const a = await made(one)
    await one.transaction(async (tx) => {
      for (const [i, input] of a.inputs.entries()) {
        const origin = a.originOf(i)
        await (origin ? one.scoped({ transaction: tx, origin }) : tx).tasks.create(input)
      }
    })
    const b = await made(many)
    const created = await many.tasks.createMany(b.inputs, { originOf: b.originOf })
    expect(created.map((t) => t.title)).toEqual(b.inputs.map((t) => t.title))
    const same = (c: string | null) => c
    const expected = await written(one, same)
    expect(expected.audit.map((e) => e.cause)).toEqual([null, 'run_1', 'run_2', null, 'run_4', 'run_5'])
    expect(expected.links).toHaveLength(N)
    expect(await written(many, same)).toEqual(expected)
  })

  it('refuses a batch with one missing target as a single create does, writing nothing of it', async () => {
    const crm = await crmOn(s, 'origins_bad')
    const [ada] = await crm.contacts.createMany([{ firstName: 'Ada' }])
    const bad = { title: 'Bad', targets: [{ type: 'contact', id: 'con_missing' }] }
    const single = await crm.tasks.create(bad).catch((e: unknown) => e)
    const inputs = [
      { title: 'Good 1', targets: [{ type: 'contact', id: ada!.id }] },
      bad,
      { title: 'Good 2', targets: [{ type: 'contact', id: ada!.id }] },
    ]
    const batch = await crm.tasks
      .createMany(inputs, { originOf: (i) => ({ channel: 'automation', causationId: `run_${i}` }) })
      .catch((e: unknown) => e)
    expect(isRapportError(single) && isRapportError(batch)).toBe(true)
    expect({ code: (batch as Error & { code: string }).code, message: (batch as Error).message }).toEqual({
      code: (single as Error & { code: string }).code,
      message: (single as Error).message,
    })
    expect((batch as Error & { code: string }).code).toBe('VALIDATION_FAILED')
    // A malformed origin is refused before anything runs.
    const malformed = await crm.tasks
      .createMany(inputs.slice(0, 1), { originOf: () => ({ channel: 'nope' as never }) })
      .catch((e: unknown) => e)
    expect((malformed as Error & { code: string }).code).toBe('INVALID_CONFIG')
    expect(await crm.tasks.count()).toBe(0)
    expect(await crm.entity('recordLink').count()).toBe(0)
    const audited = (await crm.entity<Record<string, unknown>>('auditEvent').list({ limit: 100 })).items
    expect(audited.filter((e) => e['entity'] !== 'contact')).toEqual([])
  })
})

describe.each(storages)('automation tasks created by a batch of steps ($name)', (s) => {
  it('equal, with their links and audit rows (causation ids included), those of steps run one by one', async () => {
    const outcome = async (name: string, batchSize: number) => {
      const crm = await crmOn(s, name, batchSize)
      crm.plugins.automation.register({
        id: 'follow-up',
        name: 'Follow up',
        entity: 'contact',
        trigger: { type: 'record', events: ['created'] },
        actions: [{ type: 'createTask', title: 'Call {{record.firstName}}', dueIn: { days: 2 } }],
      })
      await crm.contacts.createMany(Array.from({ length: N }, (_, i) => ({ firstName: `C${i}` })))
      expect(await crm.plugins.automation.runDue()).toBe(N)
      const runs = (await crm.plugins.automation.log({ limit: 100 })).items
      expect(runs.map((r) => r.status)).toEqual(Array(N).fill('completed'))
      const contacts = new Map(
        (await crm.contacts.list({ limit: 100 })).items.map((c) => [c.id, c.firstName]),
      )
      const recordOfRun = new Map(runs.map((r) => [r.id, contacts.get(r.recordId)]))
      // A causation id names the run; compared through the contact the run was about.
      return written(crm, (c) => (c === null ? null : (recordOfRun.get(c) ?? `unknown ${c}`)))
    }
    const alone = await outcome('steps_alone', 1)
    expect(alone.tasks).toHaveLength(N)
    expect(alone.audit.map((e) => e.cause)).toEqual(Array.from({ length: N }, (_, i) => `C${i}`))
    expect(new Set(alone.audit.map((e) => e.channelRef))).toEqual(new Set(['follow-up']))
    expect(await outcome('steps_batched', 50)).toEqual(alone)
  })
})
