import { describe, expect, it } from 'vitest'
import { defineTransitionGuard } from '../../src/pipeline/index.js'
import { DAY, expectError, HOUR, setupPipelineCrm } from './helpers.js'

describe('deals through the pipeline machine', () => {
  it('moves a deal stage by stage, recording history, time in stage and events', async () => {
    const { crm, stage, advance, events, now } = await setupPipelineCrm({ actor: { id: 'usr_alice' } })
    const deal = await crm.deals.create({
      name: 'Acme',
      pipelineId: (await crm.pipelines.list()).items[0]?.id as string,
      stageId: stage('prospecting'),
    })
    expect(deal.stageEnteredAt).toEqual(now())
    expect(deal.probability).toBe(10)
    advance(2 * DAY)
    const qualified = await crm.deals.moveStage(deal.id, stage('qualification'), {
      expectedVersion: 1,
      reason: 'Budget confirmed',
    })
    expect(qualified.stageId).toBe(stage('qualification'))
    expect(qualified.probability).toBe(20)
    expect(qualified.stageEnteredAt).toEqual(now())
    advance(3 * HOUR)
    const history = await crm.deals.stageHistory(deal.id)
    expect(history.map((h) => [h.fromStageId, h.toStageId, h.durationMs, h.actorId, h.reason])).toEqual([
      [null, stage('prospecting'), null, 'usr_alice', null],
      [stage('prospecting'), stage('qualification'), 2 * DAY, 'usr_alice', 'Budget confirmed'],
    ])
    const time = await crm.deals.timeInStage(deal.id)
    expect(time.byStage).toEqual({ [stage('prospecting')]: 2 * DAY, [stage('qualification')]: 3 * HOUR })
    expect(time.current).toEqual({
      stageId: stage('qualification'),
      since: qualified.stageEnteredAt,
      durationMs: 3 * HOUR,
    })
    const changed = events.filter((e) => e.type === 'deal.stage_changed')
    expect(changed).toHaveLength(1)
    expect(changed[0]?.payload).toMatchObject({
      from: { id: stage('prospecting'), name: 'Prospecting', kind: 'open' },
      to: { id: stage('qualification') },
      durationMs: 2 * DAY,
      reason: 'Budget confirmed',
    })
  })

  it('refuses a skipped stage with INVALID_TRANSITION naming the policy and the allowed stages, writing nothing', async () => {
    const { crm, pipeline, stage, events } = await setupPipelineCrm()
    const deal = await crm.deals.create({
      name: 'Acme',
      pipelineId: pipeline.id,
      stageId: stage('prospecting'),
    })
    const before = events.length
    const err = await expectError(crm.deals.moveStage(deal.id, stage('negotiation')), 'INVALID_TRANSITION')
    expect(err.details).toMatchObject({
      guard: 'policy',
      from: stage('prospecting'),
      to: stage('negotiation'),
      allowed: [stage('qualification'), stage('lost')],
    })
    expect(await crm.deals.get(deal.id)).toEqual(deal)
    expect(await crm.deals.stageHistory(deal.id)).toHaveLength(1)
    expect(events.length).toBe(before)
    // A plain update cannot bypass the machine.
    const viaUpdate = await expectError(
      crm.deals.update(deal.id, { stageId: stage('won') }),
      'INVALID_TRANSITION',
    )
    expect(viaUpdate.details['guard']).toBe('policy')
    expect(await crm.deals.get(deal.id)).toEqual(deal)
  })

  it('requires the target stage fields, and accepts them in the same move', async () => {
    const { crm, pipeline, stage } = await setupPipelineCrm()
    const deal = await crm.deals.create({
      name: 'Acme',
      pipelineId: pipeline.id,
      stageId: stage('qualification'),
    })
    const err = await expectError(crm.deals.moveStage(deal.id, stage('proposal')), 'INVALID_TRANSITION')
    expect(err.details).toMatchObject({
      guard: 'requiredFields',
      missingFields: ['amount', 'expectedCloseDate'],
    })
    expect(await crm.deals.get(deal.id)).toEqual(deal)
    const moved = await crm.deals.moveStage(deal.id, stage('proposal'), {
      fields: { amount: { amountMinor: 500_000, currency: 'EUR' }, expectedCloseDate: '2026-06-30' },
    })
    expect(moved).toMatchObject({
      stageId: stage('proposal'),
      amount: { amountMinor: 500_000 },
      probability: 50,
    })
    const created = await expectError(
      crm.deals.create({ name: 'Direct', pipelineId: pipeline.id, stageId: stage('proposal') }),
      'INVALID_TRANSITION',
    )
    expect(created.details['missingFields']).toEqual(['amount', 'expectedCloseDate'])
    expect(await crm.deals.count()).toBe(1)
  })

  it('requires a lost reason, sets closedAt, remembers the last open stage and emits deal.lost; reopening clears them', async () => {
    const { crm, pipeline, stage, advance, now, events } = await setupPipelineCrm()
    const deal = await crm.deals.create({
      name: 'Acme',
      pipelineId: pipeline.id,
      stageId: stage('qualification'),
    })
    const err = await expectError(crm.deals.moveStage(deal.id, stage('lost')), 'INVALID_TRANSITION')
    expect(err.details).toMatchObject({ guard: 'reason', missingFields: ['lostReason'] })
    expect(await crm.deals.get(deal.id)).toEqual(deal)
    advance(DAY)
    const lost = await crm.deals.moveStage(deal.id, stage('lost'), { reason: 'Chose a competitor' })
    expect(lost).toMatchObject({
      lostReason: 'Chose a competitor',
      closedAt: now(),
      lastOpenStageId: stage('qualification'),
      probability: 0,
    })
    expect(events.filter((e) => e.type === 'deal.lost')).toHaveLength(1)
    advance(DAY)
    const reopened = await crm.deals.moveStage(deal.id, stage('qualification'))
    expect(reopened).toMatchObject({
      closedAt: null,
      lostReason: null,
      probability: 20,
      lastOpenStageId: stage('qualification'),
    })
    expect(events.filter((e) => e.type === 'deal.reopened')).toHaveLength(1)
  })

  it('refuses reopening when the pipeline forbids it', async () => {
    const { crm } = await setupPipelineCrm()
    const strict = await crm.pipelines.create({
      name: 'Strict',
      allowReopen: false,
      stages: [{ name: 'Open' }, { name: 'Won', kind: 'won', probability: 100 }],
    })
    const [open, won] = strict.stages
    const deal = await crm.deals.create({ name: 'D', pipelineId: strict.id, stageId: won?.id as string })
    const err = await expectError(crm.deals.moveStage(deal.id, open?.id as string), 'INVALID_TRANSITION')
    expect(err.details).toMatchObject({ guard: 'reopen', from: won?.id, to: open?.id })
    expect(await crm.deals.get(deal.id)).toEqual(deal)
  })

  it('keeps the probability override and the model estimate separate from the stage default', async () => {
    const { crm, pipeline, stage } = await setupPipelineCrm()
    const deal = await crm.deals.create({ name: 'D', pipelineId: pipeline.id, stageId: stage('prospecting') })
    const estimated = await crm.deals.update(deal.id, { probabilityEstimate: 33 })
    expect(estimated).toMatchObject({ probability: 33, stageProbability: 10, probabilityOverride: null })
    const overridden = await crm.deals.update(deal.id, { probability: 70 })
    expect(overridden).toMatchObject({ probability: 70, probabilityOverride: 70, probabilityEstimate: 33 })
    const moved = await crm.deals.moveStage(deal.id, stage('qualification'))
    expect(moved).toMatchObject({ probability: 70, stageProbability: 20, forecastCategory: 'pipeline' })
    const cleared = await crm.deals.update(deal.id, { probabilityOverride: null })
    expect(cleared).toMatchObject({ probability: 33, probabilityOverride: null })
    const lost = await crm.deals.moveStage(deal.id, stage('lost'), { reason: 'No budget' })
    expect(lost).toMatchObject({ probability: 0, probabilityEstimate: 33, forecastCategory: 'omitted' })
  })

  it('rejects a stage of another pipeline and needs an explicit mapping to change pipelines', async () => {
    const { crm, pipeline, stage } = await setupPipelineCrm()
    const renewals = await crm.pipelines.create({
      name: 'Renewals',
      policy: 'forwardOnly',
      stages: [
        { key: 'due', name: 'Due' },
        { key: 'renewed', name: 'Renewed', kind: 'won', probability: 100 },
      ],
    })
    const due = renewals.stages[0]?.id as string
    const deal = await crm.deals.create({
      name: 'D',
      pipelineId: pipeline.id,
      stageId: stage('qualification'),
    })
    const foreign = await expectError(crm.deals.moveStage(deal.id, due), 'INVALID_TRANSITION')
    expect(foreign.details).toMatchObject({ guard: 'stageInPipeline', to: due })
    const unmapped = await expectError(
      crm.deals.update(deal.id, { pipelineId: renewals.id, stageId: due }),
      'INVALID_TRANSITION',
    )
    expect(unmapped.details['guard']).toBe('stageMapping')
    const missing = await expectError(
      crm.deals.changePipeline(deal.id, renewals.id, { stageMapping: { [stage('prospecting')]: due } }),
      'INVALID_TRANSITION',
    )
    expect(missing.details).toMatchObject({ guard: 'stageMapping', from: stage('qualification'), to: null })
    expect(await crm.deals.get(deal.id)).toEqual(deal)
    const moved = await crm.deals.changePipeline(deal.id, renewals.id, {
      stageMapping: { [stage('qualification')]: due },
      reason: 'Became a renewal',
    })
    expect(moved).toMatchObject({ pipelineId: renewals.id, stageId: due })
    const last = (await crm.deals.stageHistory(deal.id)).at(-1)
    expect(last).toMatchObject({
      fromPipelineId: pipeline.id,
      pipelineId: renewals.id,
      fromStageId: stage('qualification'),
      toStageId: due,
    })
  })

  it('runs custom guards from the config and from plugins', async () => {
    const approval = defineTransitionGuard({
      name: 'discountApproval',
      entities: ['deal'],
      check: ({ record, to }) =>
        to.kind !== 'won' ||
        Number((record['custom'] as Record<string, unknown>)['discount'] ?? 0) <= 20 ||
        'Discounts above 20% need approval',
    })
    const plugin = {
      id: 'owner-check',
      transitionGuards: [
        defineTransitionGuard({
          name: 'ownerRequired',
          check: ({ record }) =>
            record['ownerId'] ? true : { message: 'Assign an owner', missingFields: ['ownerId'] },
        }),
      ],
    }
    const { crm, pipeline, stage } = await setupPipelineCrm({
      transitionGuards: [approval],
      plugins: [plugin],
      customFields: { deal: [{ key: 'discount', type: 'number' }] },
    })
    const noOwner = await expectError(
      crm.deals.create({ name: 'E', pipelineId: pipeline.id, stageId: stage('prospecting') }),
      'INVALID_TRANSITION',
    )
    expect(noOwner.details).toMatchObject({ guard: 'ownerRequired', missingFields: ['ownerId'] })
    expect(await crm.deals.count()).toBe(0)
    const deal = await crm.deals.create({
      name: 'D',
      pipelineId: pipeline.id,
      stageId: stage('negotiation'),
      ownerId: 'usr_1',
      custom: { discount: 30 },
    })
    const refused = await expectError(crm.deals.moveStage(deal.id, stage('won')), 'INVALID_TRANSITION')
    expect(refused.details).toMatchObject({
      guard: 'discountApproval',
      from: stage('negotiation'),
      to: stage('won'),
    })
    expect(refused.message).toBe('Discounts above 20% need approval')
    expect(await crm.deals.get(deal.id)).toEqual(deal)
    const won = await crm.deals.moveStage(deal.id, stage('won'), { fields: { custom: { discount: 15 } } })
    expect(won).toMatchObject({ stageId: stage('won'), probability: 100 })
  })

  it('finds deals stuck in their stage for more than N days', async () => {
    const { crm, pipeline, stage, advance } = await setupPipelineCrm()
    const old = await crm.deals.create({
      name: 'Old',
      pipelineId: pipeline.id,
      stageId: stage('prospecting'),
    })
    const closed = await crm.deals.create({
      name: 'Closed',
      pipelineId: pipeline.id,
      stageId: stage('prospecting'),
    })
    advance(5 * DAY)
    await crm.deals.moveStage(closed.id, stage('lost'), { reason: 'Gone' })
    const fresh = await crm.deals.create({
      name: 'Fresh',
      pipelineId: pipeline.id,
      stageId: stage('prospecting'),
    })
    advance(4 * DAY)
    expect((await crm.deals.listStuck({ days: 7 })).items.map((d) => d.id)).toEqual([old.id])
    expect((await crm.deals.listStuck({ days: 3 })).items.map((d) => d.id)).toEqual([old.id, fresh.id])
    await crm.deals.moveStage(old.id, stage('qualification'))
    expect((await crm.deals.listStuck({ days: 3, stageId: stage('qualification') })).items).toEqual([])
    await expectError(crm.deals.listStuck({ days: -1 }), 'VALIDATION_FAILED')
  })

  it('stageHistory pages like every list API: list with a keyset cursor, iterate over all pages', async () => {
    const { crm, pipeline, stage, advance } = await setupPipelineCrm()
    for (let i = 0; i < 4; i++) {
      const deal = await crm.deals.create({
        name: `D${i}`,
        pipelineId: pipeline.id,
        stageId: stage('prospecting'),
      })
      advance(HOUR)
      await crm.deals.moveStage(deal.id, stage('qualification'))
    }
    const where = { field: 'entityType', op: 'eq', value: 'deal' } as const
    const orderBy = [{ field: 'at', direction: 'desc' }] as const
    const paged = []
    let cursor: string | null = null
    do {
      const page: Awaited<ReturnType<typeof crm.stageHistory.list>> = await crm.stageHistory.list({
        where,
        orderBy,
        limit: 3,
        cursor,
      })
      paged.push(...page.items)
      cursor = page.nextCursor
    } while (cursor)
    const iterated = []
    for await (const row of crm.stageHistory.iterate({ where, orderBy, limit: 3 })) iterated.push(row)
    expect(paged).toHaveLength(8)
    expect(iterated).toEqual(paged)
    expect(new Set(iterated.map((r) => r.id)).size).toBe(8)
    const all = (await crm.stageHistory.list({ where, orderBy, limit: 100 })).items
    expect(iterated).toEqual(all)
  })

  it('keeps the history append-only and removes it with the deal', async () => {
    const { crm, pipeline, stage } = await setupPipelineCrm()
    const deal = await crm.deals.create({ name: 'D', pipelineId: pipeline.id, stageId: stage('prospecting') })
    const [row] = await crm.deals.stageHistory(deal.id)
    const rows = crm.entity('stageChange')
    await expectError(rows.update(row?.id as string, { reason: 'forged' }), 'FORBIDDEN')
    await expectError(rows.delete(row?.id as string), 'FORBIDDEN')
    await expectError(
      rows.create({
        entityType: 'deal',
        recordId: deal.id,
        pipelineId: pipeline.id,
        toStageId: stage('won'),
        toKind: 'won',
        at: new Date(),
      }),
      'FORBIDDEN',
    )
    expect(await crm.stageHistory.forRecord('deal', deal.id)).toEqual([row])
    await crm.deals.delete(deal.id)
    expect(await crm.stageHistory.count()).toBe(0)
  })

  it('refuses to drop a pipeline stage that deals still use', async () => {
    const { crm, pipeline, stage } = await setupPipelineCrm()
    await crm.deals.create({ name: 'D', pipelineId: pipeline.id, stageId: stage('prospecting') })
    const err = await expectError(
      crm.pipelines.update(pipeline.id, { stages: pipeline.stages.filter((s) => s.key !== 'prospecting') }),
      'CONSTRAINT_VIOLATION',
    )
    expect(err.details['stages']).toEqual([stage('prospecting')])
    expect(await crm.pipelines.get(pipeline.id)).toEqual(pipeline)
  })
})
