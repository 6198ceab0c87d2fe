import type {
  AttributionResult,
  Journey,
  RuleBasedModel,
  ShapleyAttributionOptions,
} from '@rapport/analytics/attribution'
import { markovAttribution, ruleBasedAttribution, shapleyAttribution } from '@rapport/analytics/attribution'
import type { CrmServices } from '@rapport/core'
import type { Filter } from '@rapport/core/filter'

/** A data-driven model: Markov removal effect (exact absorbing chain) or Shapley values (with their options). */
export type DataDrivenModel =
  | 'markov'
  | 'shapley'
  | ({ readonly kind: 'shapley' } & ShapleyAttributionOptions)

/** Options of `campaigns.attribute`. */
export interface AttributeOptions {
  /**
   * A rule-based model of `@rapport/analytics` (`linear`, `{ kind: 'time-decay', halfLifeDays: 7 }`…) or a
   * data-driven one (`markov`, `shapley`), which also learns from lost deals' campaign responses (paths that did not
   * convert).
   */
  readonly model: RuleBasedModel | RuleBasedModel['kind'] | DataDrivenModel
  /** Restricts the closed deals considered (won ones; lost ones too for the data-driven models). */
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

type DealJourney = Journey & { deal: Record<string, unknown>; campaigns: string[] }

/** The deal's journey: its contacts' first campaign responses before it closed, oldest first; `null` without any. */
async function journeyOf(
  crm: CrmServices,
  deal: { id: string; closedAt?: Date | null; amount?: { amountMinor: number } | null },
  converted: boolean,
): Promise<DealJourney | null> {
  if (!deal.closedAt) return null
  const contacts = await crm.contacts.list({
    where: { exists: 'deals', where: { field: 'id', op: 'eq', value: deal.id } },
    limit: 200,
  })
  if (contacts.items.length === 0) return null
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
  if (touches.items.length === 0) return null
  return {
    id: deal.id,
    touches: touches.items.map((t) => ({
      channel: t['campaignId'] as string,
      at: t['firstRespondedAt'] as Date,
    })),
    ...(converted
      ? { value: deal.amount?.amountMinor ?? 0, conversions: 1 }
      : { value: 0, conversions: 0, nulls: 1 }),
    convertedAt: deal.closedAt,
    deal: deal as unknown as Record<string, unknown>,
    campaigns: touches.items.map((t) => t['campaignId'] as string),
  }
}

function modelNameOf(model: AttributeOptions['model']): string {
  return typeof model === 'string' ? model : model.kind
}

/**
 * Credits won deals to campaigns: a deal's journey is the first responses (click or reply) of its contacts' campaign
 * memberships before it closed, one touch per campaign membership, channel = campaign. `@rapport/analytics` splits
 * the deal amount (integer minor units, exact sums), and the result is stored per (deal, campaign, model), like
 * Salesforce's campaign influence. The data-driven models (`markov`, `shapley`) also read lost deals' journeys as
 * paths that did not convert; only won deals get credit rows.
 *
 * @internal
 */
export async function attributeDeals(crm: CrmServices, options: AttributeOptions): Promise<AttributeReport> {
  const modelName = modelNameOf(options.model)
  const dataDriven = modelName === 'markov' || modelName === 'shapley'
  const closed = (probability: number): Filter => ({
    and: [
      { field: 'closedAt', op: 'isNull', value: false },
      { field: 'probability', op: 'eq', value: probability },
      ...(options.where ? [options.where] : []),
    ],
  })
  const journeys: DealJourney[] = []
  for await (const deal of crm.deals.iterate({ where: closed(100) })) {
    if (!deal.amount) continue
    const journey = await journeyOf(crm, deal, true)
    if (journey) journeys.push(journey)
  }
  // Won journeys first: credit rows are written for indexes below `won` only.
  const won = journeys.length
  if (won === 0) return { model: modelName, deals: 0, rows: 0 }
  if (dataDriven) {
    for await (const deal of crm.deals.iterate({ where: closed(0) })) {
      const journey = await journeyOf(crm, deal, false)
      if (journey) journeys.push(journey)
    }
  }
  const model = options.model
  const result: AttributionResult =
    model === 'markov'
      ? markovAttribution(journeys)
      : model === 'shapley'
        ? shapleyAttribution(journeys)
        : typeof model === 'object' && model.kind === 'shapley'
          ? shapleyAttribution(journeys, {
              ...(model.worth ? { worth: model.worth } : {}),
              ...(model.maxExactPlayers !== undefined ? { maxExactPlayers: model.maxExactPlayers } : {}),
              ...(model.samples !== undefined ? { samples: model.samples } : {}),
              ...(model.seed !== undefined ? { seed: model.seed } : {}),
            })
          : ruleBasedAttribution(journeys, model as RuleBasedModel | RuleBasedModel['kind'])
  let rows = 0
  await crm.transaction(async (tx) => {
    const table = tx.entity('campaignInfluence')
    for (const credit of result.journeys) {
      if (credit.index >= won) continue
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
  return { model: modelName, deals: won, rows }
}
