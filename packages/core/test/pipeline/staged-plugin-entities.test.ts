import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { defineEntity } from '../../src/entities/index.js'
import type { CrmPlugin } from '../../src/index.js'
import { createCrm, definePlugin } from '../../src/index.js'
import { defineTransitionGuard } from '../../src/pipeline/index.js'
// permits: a host's own staged plugin entity (building permits), shared with the adapters' differential test.
import { createMemoryStorage, permitsPlugin as permits } from '../../src/testing/index.js'
import { DAY, expectError, setupPipelineCrm } from './helpers.js'

interface Permit {
  id: string
  version: number
  title: string
  status: string | null
  pipelineId: string
  stageId: string
  stageEnteredAt: Date | null
  closedAt: Date | null
  refusalReason: string | null
}

async function setup(extra: readonly CrmPlugin[] = []) {
  const ctx = await setupPipelineCrm({ plugins: [permits, ...extra] as const })
  const service = ctx.crm.staged<Permit>('permit')
  const first = await service.create({ title: 'Garage' })
  const pipeline = await ctx.crm.pipelines.get(first.pipelineId)
  const key = (k: string) => pipeline.stages.find((s) => s.key === k)!.id
  return { ...ctx, service, first, pipeline, key }
}

describe('plugin entities on the pipeline machine (EntityDefinition.staged)', () => {
  it('creates the default pipeline on first use, starts in its first stage and mirrors the stage key', async () => {
    const { crm, service, first, pipeline, key, now, events } = await setup()
    expect(pipeline).toMatchObject({ entityType: 'permit', isDefault: true, name: 'Permits' })
    expect(first).toMatchObject({
      status: 'draft',
      stageId: key('draft'),
      stageEnteredAt: now(),
      closedAt: null,
    })
    expect(crm.entity('permit')).toBe(service)
    const second = await service.create({ title: 'Shed' })
    expect(second.pipelineId).toBe(pipeline.id)
    expect(
      (await crm.pipelines.list({ where: { field: 'entityType', op: 'eq', value: 'permit' } })).items,
    ).toHaveLength(1)
    const history = await service.stageHistory(first.id)
    expect(history.map((h) => [h.entityType, h.fromStageId, h.toStageId])).toEqual([
      ['permit', null, key('draft')],
    ])
    expect(events.filter((e) => e.type.startsWith('permit.') && e.type !== 'permit.created')).toEqual([])
    expect(await crm.stageHistory.forRecord('permit', first.id)).toEqual(history)
  })

  it('moves along the explicit edges with history, time in stage, status and the declared events', async () => {
    const { service, first, key, advance, events } = await setup()
    advance(DAY)
    const submitted = await service.moveStage(first.id, key('submitted'), {
      expectedVersion: first.version,
      fields: { inspectorId: 'usr_ins' },
      reason: 'Complete file',
    })
    expect(submitted).toMatchObject({ status: 'submitted', stageId: key('submitted'), version: 2 })
    advance(2 * DAY)
    const approved = await service.moveStage(first.id, key('approved'))
    expect(approved.status).toBe('approved')
    expect(approved.closedAt).toEqual(approved.stageEnteredAt)
    const history = await service.stageHistory(first.id)
    expect(history.map((h) => [h.toStageId, h.durationMs, h.reason])).toEqual([
      [key('draft'), null, null],
      [key('submitted'), DAY, 'Complete file'],
      [key('approved'), 2 * DAY, null],
    ])
    expect((await service.timeInStage(first.id)).byStage[key('submitted')]).toBe(2 * DAY)
    expect(
      events.map((e) => e.type).filter((t) => /^permit\.(stage_changed|submitted|approved|won)$/.test(t)),
    ).toEqual(['permit.stage_changed', 'permit.submitted', 'permit.stage_changed', 'permit.approved'])
  })

  it('refuses moves the pipeline forbids (edge, required field, closed stage) with INVALID_TRANSITION, writing nothing', async () => {
    const { crm, service, first, key, events } = await setup()
    const before = events.length
    const skip = await expectError(service.moveStage(first.id, key('approved')), 'INVALID_TRANSITION')
    expect(skip.details).toMatchObject({ guard: 'policy', from: key('draft'), to: key('approved') })
    const missing = await expectError(service.moveStage(first.id, key('submitted')), 'INVALID_TRANSITION')
    expect(missing.details).toMatchObject({ missingFields: ['inspectorId'] })
    // A plain update of stageId goes through the same machine.
    await expectError(service.update(first.id, { stageId: key('approved') }), 'INVALID_TRANSITION')
    expect(await service.get(first.id)).toEqual(first)
    expect(await service.stageHistory(first.id)).toHaveLength(1)
    expect(events.length).toBe(before)
    await service.moveStage(first.id, key('submitted'), { fields: { inspectorId: 'usr_ins' } })
    const refused = await service.moveStage(first.id, key('refused'), { reason: 'Too tall' })
    expect(refused).toMatchObject({ status: 'refused', refusalReason: 'Too tall' })
    const reopen = await expectError(service.moveStage(first.id, key('submitted')), 'INVALID_TRANSITION')
    expect(reopen.details).toMatchObject({ guard: 'reopen' })
    expect((await crm.entity('permit').get(first.id))['status']).toBe('refused')
  })

  it('keeps the stage fields and the status read-only in input', async () => {
    const { service, first } = await setup()
    await expectError(service.create({ title: 'x', status: 'approved' }), 'VALIDATION_FAILED')
    await expectError(service.update(first.id, { status: 'approved' }), 'VALIDATION_FAILED')
    await expectError(service.update(first.id, { stageEnteredAt: new Date(0) }), 'VALIDATION_FAILED')
    const renamed = await service.update(first.id, { title: 'Garage 2' })
    expect(renamed).toMatchObject({ status: 'draft', stageEnteredAt: first.stageEnteredAt, version: 2 })
  })

  it('runs plugin transition guards that name the entity', async () => {
    const guard = defineTransitionGuard({
      name: 'noBlockedTitles',
      entities: ['permit'],
      check: ({ to, record }) =>
        to.key !== 'submitted' || record['title'] !== 'Blocked' || 'Blocked titles cannot be submitted',
    })
    const guards = { id: 'permit-guards', transitionGuards: [guard] } as CrmPlugin
    const { service, key } = await setup([guards])
    const blocked = await service.create({ title: 'Blocked', inspectorId: 'usr_ins' })
    const err = await expectError(service.moveStage(blocked.id, key('submitted')), 'INVALID_TRANSITION')
    expect(err.details).toMatchObject({ guard: 'noBlockedTitles' })
    expect(err.message).toContain('Blocked titles cannot be submitted')
    expect(await service.get(blocked.id)).toEqual(blocked)
    const fine = await service.create({ title: 'Fine', inspectorId: 'usr_ins' })
    expect((await service.moveStage(fine.id, key('submitted'))).status).toBe('submitted')
  })

  it('accepts pipelines for staged plugin entities only, and keeps each entity on its own pipelines', async () => {
    const { crm, pipeline, service, first } = await setup()
    const other = await crm.pipelines.create({
      name: 'Fast permits',
      entityType: 'permit',
      stages: [
        { key: 'draft', name: 'Draft' },
        { key: 'approved', name: 'Approved', kind: 'won' },
      ],
    })
    expect(other.entityType).toBe('permit')
    await expectError(
      crm.pipelines.create({ name: 'Nope', entityType: 'invoice', stages: [{ name: 'A' }] }),
      'VALIDATION_FAILED',
    )
    const err = await expectError(
      crm.deals.create({ name: 'Acme', pipelineId: pipeline.id, stageId: pipeline.stages[0]!.id }),
      'VALIDATION_FAILED',
    )
    expect(JSON.stringify(err.details)).toContain('permits, not deals')
    const moved = await service.changePipeline(first.id, other.id, {
      stageMapping: { [first.stageId]: other.stages[0]!.id },
    })
    expect(moved).toMatchObject({ pipelineId: other.id, status: 'draft' })
    // A stage still holding permits cannot be dropped from its pipeline.
    await expectError(crm.pipelines.update(other.id, { stages: [other.stages[1]!] }), 'CONSTRAINT_VIOLATION')
  })

  it('refuses a declaration naming a missing status field, and staged() on an entity that is not staged', async () => {
    const broken = defineEntity({
      name: 'broken',
      idPrefix: 'brk',
      shape: { title: z.string() },
      staged: { statusField: 'status' },
    })
    const open = () =>
      createCrm({
        storage: createMemoryStorage(),
        plugins: [definePlugin({ id: 'broken', schema: { entities: [broken] } })],
      })
    expect(open).toThrow(
      expect.objectContaining({
        code: 'PLUGIN_ERROR',
        details: expect.objectContaining({ field: 'status' }),
      }),
    )
    const { crm: ok } = await setupPipelineCrm()
    expect(() => ok.staged('contact')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
  })
})
