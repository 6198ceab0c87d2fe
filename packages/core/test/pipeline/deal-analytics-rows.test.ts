import { describe, expect, it } from 'vitest'
import type { Deal } from '../../src/entities/index.js'
import { toPipelineDeals, toStageHistoryEntries } from '../../src/services/index.js'
import { DAY, expectError, setupPipelineCrm } from './helpers.js'

describe('deals mapped for @rapport/analytics/pipeline', () => {
  async function seeded() {
    const ctx = await setupPipelineCrm()
    const { crm, pipeline, stage, advance } = ctx
    const open = await crm.deals.create({
      name: 'Open',
      pipelineId: pipeline.id,
      stageId: stage('prospecting'),
      amount: { amountMinor: 1_250_000, currency: 'EUR' },
      expectedCloseDate: '2026-06-30',
    })
    const lost = await crm.deals.create({
      name: 'Lost',
      pipelineId: pipeline.id,
      stageId: stage('prospecting'),
    })
    advance(DAY)
    await crm.deals.moveStage(lost.id, stage('qualification'))
    await crm.deals.moveStage(lost.id, stage('lost'), { reason: 'No budget' })
    const overridden = await crm.deals.update(open.id, { probability: 35 })
    return { ...ctx, open: overridden, lost: (await crm.deals.get(lost.id)) as Deal }
  }

  it('takes status from the stage kind, probability as a fraction, currency units, and the lost deal at its last open stage', async () => {
    const { pipeline, stage, open, lost } = await seeded()
    const rows = toPipelineDeals([open, lost], pipeline)
    expect(rows).toEqual([
      {
        id: open.id,
        status: 'open',
        amount: 12_500,
        createdAt: open.createdAt,
        closedAt: null,
        expectedCloseAt: '2026-06-30',
        probability: 0.35,
        stage: stage('prospecting'),
        forecastCategory: 'pipeline',
      },
      {
        id: lost.id,
        status: 'lost',
        amount: 0,
        createdAt: lost.createdAt,
        closedAt: lost.closedAt,
        expectedCloseAt: null,
        probability: 0,
        stage: stage('qualification'),
        forecastCategory: 'omitted',
      },
    ])
    expect(lost.closedAt).toBeInstanceOf(Date)
    expect(toPipelineDeals([open], pipeline, { minorUnitsPerUnit: 1 })[0]?.amount).toBe(1_250_000)
  })

  it('refuses amounts in another currency and deals of another pipeline with VALIDATION_FAILED', async () => {
    const { crm, pipeline, stage, open } = await seeded()
    const yen = await crm.deals.create({
      name: 'Yen',
      pipelineId: pipeline.id,
      stageId: stage('prospecting'),
      amount: { amountMinor: 5000, currency: 'JPY' },
    })
    const mixed = await expectError(
      Promise.resolve().then(() => toPipelineDeals([open, yen], pipeline)),
      'VALIDATION_FAILED',
    )
    expect(mixed.details).toMatchObject({ id: yen.id, currency: 'JPY', expected: 'EUR' })
    expect(toPipelineDeals([yen], pipeline)[0]?.amount).toBe(5000)
    await expectError(
      Promise.resolve().then(() => toPipelineDeals([open], pipeline, { currency: 'USD' })),
      'VALIDATION_FAILED',
    )
    await expectError(
      Promise.resolve().then(() => toPipelineDeals([open], pipeline, { currency: 'NOPE' })),
      'VALIDATION_FAILED',
    )
    const other = await crm.pipelines.create({ name: 'Other', stages: [{ name: 'Only' }] })
    await expectError(
      Promise.resolve().then(() => toPipelineDeals([open], { ...other })),
      'VALIDATION_FAILED',
    )
  })

  it('maps deal stage history and leaves other entity types out', async () => {
    const { crm, stage, lost } = await seeded()
    const history = await crm.deals.stageHistory(lost.id)
    const entries = toStageHistoryEntries([
      ...history,
      { entityType: 'ticket', recordId: 'tkt_1', toStageId: 'stg_x', at: new Date(0) },
    ])
    expect(entries.map((e) => [e.dealId, e.stage])).toEqual([
      [lost.id, stage('prospecting')],
      [lost.id, stage('qualification')],
      [lost.id, stage('lost')],
    ])
    expect(entries[2]?.enteredAt).toEqual(history[2]?.at)
  })
})
