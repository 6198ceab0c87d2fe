import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { defineEntity, stagedFields } from '../../src/entities/index.js'
import { createCrm, definePlugin } from '../../src/index.js'
import { createMemoryStorage } from '../../src/testing/index.js'
import { expectError, setupPipelineCrm } from './helpers.js'

/** A plugin entity whose status is written as a move (`staged.statusWrites: 'move'`). */
const leaseEntity = defineEntity({
  name: 'lease',
  idPrefix: 'lse',
  shape: {
    ...stagedFields,
    title: z.string().min(1).max(200),
    status: z.string().nullable().optional(),
    endReason: z.string().nullable().optional(),
  },
  staged: {
    statusField: 'status',
    statusWrites: 'move',
    reasonField: 'endReason',
    defaultPipeline: {
      name: 'Leases',
      policy: 'explicit',
      allowReopen: false,
      stages: [
        { key: 'draft', name: 'Draft' },
        { key: 'signed', name: 'Signed', kind: 'won' },
        { key: 'cancelled', name: 'Cancelled', kind: 'lost' },
      ],
      transitions: [
        { from: 'draft', to: 'signed' },
        { from: 'draft', to: 'cancelled' },
      ],
    },
  },
})

interface Lease {
  id: string
  version: number
  title: string
  status: string | null
  pipelineId: string
  stageId: string
  closedAt: Date | null
  endReason: string | null
}

async function setup() {
  const ctx = await setupPipelineCrm({
    plugins: [definePlugin({ id: 'leases', schema: { entities: [leaseEntity] } })] as const,
  })
  const leases = ctx.crm.staged<Lease>('lease')
  const first = await leases.create({ title: 'Flat 3' })
  const pipeline = await ctx.crm.pipelines.get(first.pipelineId)
  const key = (k: string) => pipeline.stages.find((s) => s.key === k)!.id
  return { ...ctx, leases, first, key }
}

describe("staged.statusWrites: 'move'", () => {
  it('takes a written status as a move through the machine: stage, history and events', async () => {
    const { leases, first, key, events } = await setup()
    const signed = await leases.update(first.id, { status: 'signed' })
    expect(signed).toMatchObject({ status: 'signed', stageId: key('signed'), version: 2 })
    expect(signed.closedAt).toBeInstanceOf(Date)
    const history = await leases.stageHistory(first.id)
    expect(history.map((h) => [h.fromStageId, h.toStageId])).toEqual([
      [null, key('draft')],
      [key('draft'), key('signed')],
    ])
    expect(events.map((e) => e.type)).toContain('lease.stage_changed')
    // The same status again is no move: nothing written.
    expect(await leases.update(first.id, { status: 'signed' })).toEqual(signed)
  })

  it('starts a created record in the stage its status names', async () => {
    const { leases, key } = await setup()
    const lease = await leases.create({ title: 'Flat 4', status: 'cancelled', endReason: 'Withdrawn' })
    expect(lease).toMatchObject({ status: 'cancelled', stageId: key('cancelled') })
  })

  it('refuses what the machine refuses, with the typed error, and writes nothing', async () => {
    const { leases, first, key } = await setup()
    const snapshot = async () => [await leases.get(first.id), await leases.stageHistory(first.id)]
    const before = await snapshot()
    // No such stage key.
    const unknown = await expectError(leases.update(first.id, { status: 'archived' }), 'INVALID_TRANSITION')
    expect(unknown.details).toMatchObject({ guard: 'stageInPipeline', to: 'archived' })
    // A lost stage needs its reason, as through moveStage.
    const reason = await expectError(leases.update(first.id, { status: 'cancelled' }), 'INVALID_TRANSITION')
    expect(reason.details).toMatchObject({ guard: 'reason' })
    // A status and a stage id that disagree.
    await expectError(
      leases.update(first.id, { status: 'signed', stageId: key('cancelled') }),
      'VALIDATION_FAILED',
    )
    await expectError(leases.create({ title: 'x', status: 'archived' }), 'VALIDATION_FAILED')
    expect(await snapshot()).toEqual(before)
    // Closed, and the pipeline does not reopen.
    await leases.update(first.id, { status: 'signed' })
    const closed = await expectError(leases.update(first.id, { status: 'draft' }), 'INVALID_TRANSITION')
    expect(closed.details).toMatchObject({ guard: 'reopen' })
    expect((await leases.get(first.id)).status).toBe('signed')
  })

  it('agrees with a status and a stage id that name the same stage, and with moveStage', async () => {
    const { leases, first, key } = await setup()
    const both = await leases.update(first.id, { status: 'signed', stageId: key('signed') })
    expect(both.status).toBe('signed')
    const other = await leases.create({ title: 'Flat 5' })
    expect((await leases.moveStage(other.id, key('signed'))).status).toBe('signed')
  })

  it('is refused on a declaration without a status field', () => {
    const broken = defineEntity({
      name: 'broken',
      idPrefix: 'brk',
      shape: { title: z.string() },
      staged: { statusWrites: 'move' },
    })
    expect(() =>
      createCrm({
        storage: createMemoryStorage(),
        plugins: [definePlugin({ id: 'broken', schema: { entities: [broken] } })],
      }),
    ).toThrow(expect.objectContaining({ code: 'PLUGIN_ERROR' }))
  })
})
