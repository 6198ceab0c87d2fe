import type { Journey, RuleBasedModel } from '@rapport/analytics/attribution'
import { ruleBasedAttribution } from '@rapport/analytics/attribution'
import type { CrmServices } from '@rapport/core'
import type { Filter } from '@rapport/core/filter'

/** Options of `campaigns.attribute`. */
export interface AttributeOptions {
  /** A rule-based model of `@rapport/analytics` (`linear`, `{ kind: 'time-decay', halfLifeDays: 7 }`…). */
  readonly model: RuleBasedModel | RuleBasedModel['kind']
  /** Restricts the won deals considered. */
  readonly where?: Filter
}

/** What `campaigns.attribute` did. */
export interface AttributeReport {
  readonly model: string
  /** Won deals with at least one campaign response before closing. */
  readonly deals: number
  /** (deal, campaign) rows written. */
  readonly rows: number
}

/**
 * Credits won deals to campaigns: a deal's journey is the first responses (click or reply) of its contacts' campaign
 * memberships before it closed, one touch per campaign membership, channel = campaign. `@rapport/analytics` splits
 * the deal amount (integer minor units, exact sums), and the result is stored per (deal, campaign, model).
 *
 * @internal
 */
export async function attributeDeals(crm: CrmServices, options: AttributeOptions): Promise<AttributeReport> {
  const modelName = typeof options.model === 'string' ? options.model : options.model.kind
  const won: Filter = {
    and: [
      { field: 'closedAt', op: 'isNull', value: false },
      { field: 'probability', op: 'eq', value: 100 },
      ...(options.where ? [options.where] : []),
    ],
  }
  const journeys: (Journey & { deal: Record<string, unknown>; campaigns: string[] })[] = []
  for await (const deal of crm.deals.iterate({ where: won })) {
    const amount = deal.amount
    if (!amount || !deal.closedAt) continue
    const contacts = await crm.contacts.list({
      where: { exists: 'deals', where: { field: 'id', op: 'eq', value: deal.id } },
      limit: 200,
    })
    if (contacts.items.length === 0) continue
    const touches = await crm.entity('campaignMember').list({
      where: {
        and: [
          { field: 'recordId', op: 'in', value: contacts.items.map((c) => c.id) },
          { field: 'firstRespondedAt', op: 'lte', value: deal.closedAt },
        ],
      },
      orderBy: [{ field: 'firstRespondedAt' }],
      limit: 500,
    })
    if (touches.items.length === 0) continue
    journeys.push({
      id: deal.id,
      touches: touches.items.map((t) => ({
        channel: t['campaignId'] as string,
        at: t['firstRespondedAt'] as Date,
      })),
      value: amount.amountMinor,
      convertedAt: deal.closedAt,
      deal: deal as unknown as Record<string, unknown>,
      campaigns: touches.items.map((t) => t['campaignId'] as string),
    })
  }
  if (journeys.length === 0) return { model: modelName, deals: 0, rows: 0 }
  const result = ruleBasedAttribution(journeys, options.model)
  let rows = 0
  await crm.transaction(async (tx) => {
    const table = tx.entity('campaignInfluence')
    for (const credit of result.journeys) {
      const journey = journeys[credit.index]!
      const amount = journey.deal['amount'] as { amountMinor: number; currency: string }
      const byCampaign = new Map<string, number>()
      journey.campaigns.forEach((campaignId, t) => {
        byCampaign.set(campaignId, (byCampaign.get(campaignId) ?? 0) + (credit.touchValues[t] ?? 0))
      })
      for (const [campaignId, value] of byCampaign) {
        const key: Filter = {
          and: [
            { field: 'dealId', op: 'eq', value: journey.id as string },
            { field: 'campaignId', op: 'eq', value: campaignId },
            { field: 'model', op: 'eq', value: modelName },
          ],
        }
        const data = {
          influence: amount.amountMinor > 0 ? value / amount.amountMinor : 0,
          revenue: { amountMinor: value, currency: amount.currency },
        }
        const existing = (await table.list({ where: key, limit: 1 })).items[0]
        if (existing) await table.update(existing['id'] as string, data)
        else await table.create({ dealId: journey.id, campaignId, model: modelName, ...data })
        rows++
      }
    }
  })
  return { model: modelName, deals: journeys.length, rows }
}
