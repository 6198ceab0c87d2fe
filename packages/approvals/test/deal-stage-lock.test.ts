import { isRapportError } from '@rapport/core'
import { ADAPTERS } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApprovals } from './fixture.js'

describe.each(ADAPTERS)('a pending deal on $name', (adapter) => {
  let t: Awaited<ReturnType<typeof openApprovals>>
  beforeAll(async () => {
    t = await openApprovals(adapter, {
      policies: [
        { id: 'deal-review', entity: 'deal', steps: [{ name: 'manager', approvers: [{ user: 'usr_mia' }] }] },
      ],
    })
  })
  afterAll(() => t.dispose())

  it('cannot move stage until it is approved', async () => {
    const pipeline = await t.crm.pipelines.create({
      name: 'Sales',
      stages: [
        { name: 'Open', probability: 10 },
        { name: 'Proposal', probability: 50 },
        { name: 'Won', kind: 'won', probability: 100 },
      ],
    })
    const [open, proposal] = pipeline.stages.map((s) => String(s.id))
    const deal = await t.crm.deals.create({ name: 'Big one', pipelineId: pipeline.id, stageId: String(open) })
    const request = await t.approvals.as('usr_ray').submit({ policyId: 'deal-review', recordId: deal.id })
    const error = await t.crm.deals.moveStage(deal.id, String(proposal)).then(
      () => null,
      (e: unknown) => e,
    )
    expect(isRapportError(error) ? error.code : error).toBe('APPROVALS_RECORD_LOCKED')
    expect(await t.crm.deals.get(deal.id)).toEqual(deal)
    expect(await t.crm.deals.stageHistory(deal.id)).toHaveLength(1)
    await t.approvals.as('usr_mia').approve(request.id)
    expect((await t.crm.deals.moveStage(deal.id, String(proposal))).stageId).toBe(proposal)
  })
})
