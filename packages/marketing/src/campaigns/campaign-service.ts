import type { CrmServices } from '@rapport/core'
import type { Filter } from '@rapport/core/filter'
import type { Page } from '@rapport/core/services'
import type { EmailEventInput } from '../email-events/email-event-input.js'
import { checkEmailEvents } from '../email-events/email-event-input.js'
import { MarketingErrorCodes, marketingError } from '../marketing-error.js'
import { segmentFilter } from '../segments/segment-filter.js'
import type { Segment } from '../segments/segment-types.js'
import { segmentLoader } from '../segments/segment-validation.js'
import type { AttributeOptions, AttributeReport } from './campaign-attribution.js'
import { attributeDeals } from './campaign-attribution.js'
import type {
  Campaign,
  CampaignInput,
  CampaignRoi,
  CampaignStats,
  ConsentPort,
  IngestReport,
  TargetReport,
} from './campaign-types.js'
import { memberPatch } from './member-status.js'

/** The relation `@rapport/marketing` adds to segmentable entities: their campaign memberships. */
export const CAMPAIGN_MEMBERSHIPS_RELATION = 'campaignMemberships'

/** Campaigns, as `crm.plugins.marketing.campaigns`. */
export interface CampaignService {
  create(input: CampaignInput): Promise<Campaign>
  get(id: string): Promise<Campaign>
  update(id: string, patch: Partial<CampaignInput>): Promise<Campaign>
  /**
   * Adds a segment's members as `targeted` members. Records that unsubscribed from any campaign are left out (in the
   * query), and with a consent port so are those without `opt_in` for the campaign's purpose on its first channel.
   */
  target(campaignId: string, segmentId: string): Promise<TargetReport>
  /**
   * Stores email events and moves their members' status, in one transaction. Every event is checked first (a bad
   * one is `MARKETING_INVALID_EVENT` and nothing is written); an event whose `providerEventId` is already stored is
   * ignored and counted as a duplicate. Unsubscribes are recorded as opt-outs through the consent port.
   */
  ingest(events: readonly EmailEventInput[]): Promise<IngestReport>
  /** Unique members per outcome and rates over sent, each one `count` query. */
  stats(campaignId: string): Promise<CampaignStats>
  /** Credits won deals to campaigns with an `@rapport/analytics` model; rows per (deal, campaign, model). */
  attribute(options: AttributeOptions): Promise<AttributeReport>
  /** Attributed revenue against actual cost under one model. */
  roi(campaignId: string, model: string): Promise<CampaignRoi>
}

const PAGE = 500

/** @internal */
export function createCampaignService(
  services: () => CrmServices,
  options: { readonly consent?: ConsentPort | undefined },
): CampaignService {
  const campaigns = () => services().entity<Campaign>('campaign')
  const notUnsubscribed: Filter = {
    not: {
      exists: CAMPAIGN_MEMBERSHIPS_RELATION,
      where: { field: 'status', op: 'eq', value: 'unsubscribed' },
    },
  }
  const invalidEvent = (message: string, details: Record<string, unknown>) =>
    marketingError(MarketingErrorCodes.MARKETING_INVALID_EVENT, message, details)

  return {
    create: (input) => campaigns().create(input as unknown as Record<string, unknown>),
    get: (id) => campaigns().get(id),
    update: (id, patch) => campaigns().update(id, patch as unknown as Record<string, unknown>),

    async target(campaignId, segmentId) {
      const crm = services()
      const campaign = await campaigns().get(campaignId)
      const segment = await crm.entity<Segment>('segment').get(segmentId)
      const where = await segmentFilter(segment, segmentLoader(crm))
      const inCampaign: Filter = {
        exists: CAMPAIGN_MEMBERSHIPS_RELATION,
        where: { field: 'campaignId', op: 'eq', value: campaignId },
      }
      const records = crm.entity(segment.entity)
      const alreadyMembers = await records.count({ where: { and: [where, inCampaign] } })
      const optedOut = await records.count({
        where: { and: [where, { not: inCampaign }, { not: notUnsubscribed }] },
      })
      const candidates: Filter = { and: [where, { not: inCampaign }, notUnsubscribed] }
      const channel = campaign.channels[0] ?? 'email'
      let added = 0
      let noConsent = 0
      let cursor: string | null = null
      do {
        const page: Page<Record<string, unknown>> = await records.list({
          where: candidates,
          limit: PAGE,
          cursor,
        })
        const allowed: string[] = []
        for (const record of page.items) {
          const id = record['id'] as string
          if (options.consent && (await options.consent.state(id, campaign.purpose, channel)) !== 'opt_in') {
            noConsent++
            continue
          }
          allowed.push(id)
        }
        await crm
          .entity('campaignMember')
          .createMany(allowed.map((recordId) => ({ campaignId, recordId, segmentId, status: 'targeted' })))
        added += allowed.length
        cursor = page.nextCursor
      } while (cursor)
      return { added, alreadyMembers, optedOut, noConsent }
    },

    async ingest(input) {
      const events = checkEmailEvents(input)
      const crm = services()
      const members = crm.entity('campaignMember')
      // Resolve every member before writing (those named by id in one read per 1,000): an unknown one rejects the
      // whole batch, reported at the first event naming it.
      const byId = new Map<string, Record<string, unknown>>()
      const memberIds = [...new Set(events.flatMap((e) => (e.memberId ? [e.memberId] : [])))]
      for (let i = 0; i < memberIds.length; i += PAGE) {
        const slice = memberIds.slice(i, i + PAGE)
        const page = await members.list({
          where: { field: 'id', op: 'in', value: slice },
          limit: slice.length,
        })
        for (const member of page.items) byId.set(member['id'] as string, member)
      }
      const resolved: Record<string, unknown>[] = []
      for (const [index, event] of events.entries()) {
        const member = event.memberId
          ? byId.get(event.memberId)
          : (
              await members.list({
                where: {
                  and: [
                    { field: 'campaignId', op: 'eq', value: event.campaignId as string },
                    { field: 'recordId', op: 'eq', value: event.recordId as string },
                  ],
                },
                limit: 1,
              })
            ).items[0]
        if (!member || (event.campaignId && member['campaignId'] !== event.campaignId)) {
          throw invalidEvent(`Email event [${index}] names no member of this campaign`, {
            index,
            memberId: event.memberId ?? null,
            campaignId: event.campaignId ?? null,
            recordId: event.recordId ?? null,
          })
        }
        resolved.push(member)
      }
      const optOuts: { subjectId: string; purpose: string; campaignId: string }[] = []
      const report = await crm.transaction(async (tx) => {
        const stored = tx.entity('messageEvent')
        const seen = new Set<string>()
        const known = new Set<string>()
        for (let i = 0; i < events.length; i += 1000) {
          const ids = events.slice(i, i + 1000).map((e) => e.providerEventId)
          const page = await stored.list({
            where: { field: 'providerEventId', op: 'in', value: [...new Set(ids)] },
            limit: 1000,
          })
          for (const row of page.items) known.add(row['providerEventId'] as string)
        }
        let ingested = 0
        let duplicates = 0
        // Each member's state after the events so far, and what they changed: the events are stored with one
        // createMany and the members written with one updateMany (each member once, with all its changes).
        const current = new Map<string, Record<string, unknown>>()
        const patches = new Map<string, Record<string, unknown>>()
        const rows: Record<string, unknown>[] = []
        const purposes = new Map<string, string>()
        for (const [index, event] of events.entries()) {
          if (known.has(event.providerEventId) || seen.has(event.providerEventId)) {
            duplicates++
            continue
          }
          seen.add(event.providerEventId)
          const memberId = resolved[index]!['id'] as string
          const member = current.get(memberId) ?? resolved[index]!
          rows.push({
            campaignId: member['campaignId'],
            memberId,
            recordId: member['recordId'],
            type: event.type,
            machine: event.machine ?? false,
            at: event.at,
            providerEventId: event.providerEventId,
            provider: event.provider ?? 'generic',
            ...(event.url ? { url: event.url } : {}),
            ...(event.bounceKind ? { bounceKind: event.bounceKind } : {}),
          })
          const patch = memberPatch(member, event)
          if (Object.keys(patch).length > 0) {
            current.set(memberId, { ...member, ...patch })
            patches.set(memberId, { ...patches.get(memberId), ...patch })
            if (patch['status'] === 'unsubscribed') {
              const campaignId = member['campaignId'] as string
              let purpose = purposes.get(campaignId)
              if (purpose === undefined) {
                purpose = (await tx.entity<Campaign>('campaign').get(campaignId)).purpose
                purposes.set(campaignId, purpose)
              }
              optOuts.push({ subjectId: member['recordId'] as string, purpose, campaignId })
            }
          }
          ingested++
        }
        await stored.createMany(rows)
        await tx.entity('campaignMember').updateMany([...patches].map(([id, patch]) => ({ id, patch })))
        return { ingested, duplicates }
      })
      if (options.consent?.record) {
        for (const o of optOuts) {
          await options.consent.record({
            subjectId: o.subjectId,
            purpose: o.purpose,
            channel: 'email',
            status: 'opt_out',
            source: `campaign:${o.campaignId}`,
          })
        }
      }
      return report
    },

    async stats(campaignId) {
      await campaigns().get(campaignId)
      const members = services().entity('campaignMember')
      const count = (...filters: Filter[]) =>
        members.count({ where: { and: [{ field: 'campaignId', op: 'eq', value: campaignId }, ...filters] } })
      const set = (field: string): Filter => ({ field, op: 'isNull', value: false })
      const [targeted, sent, opened, machineOpenedOnly, clicked, responded, bounced, unsubscribed] =
        await Promise.all([
          count(),
          count(set('sentAt')),
          count(set('openedAt')),
          count(set('machineOpenedAt'), { field: 'openedAt', op: 'isNull', value: true }),
          count(set('clickedAt')),
          count({ field: 'responded', op: 'eq', value: true }),
          count(set('bouncedAt')),
          count(set('unsubscribedAt')),
        ])
      const rate = (n: number) => (sent > 0 ? n / sent : 0)
      return {
        targeted,
        sent,
        opened,
        machineOpenedOnly,
        clicked,
        responded,
        bounced,
        unsubscribed,
        openRate: rate(opened),
        clickRate: rate(clicked),
        responseRate: rate(responded),
        bounceRate: rate(bounced),
        unsubscribeRate: rate(unsubscribed),
      }
    },

    attribute: (attributeOptions) => attributeDeals(services(), attributeOptions),

    async roi(campaignId, model) {
      const campaign = await campaigns().get(campaignId)
      let revenue = 0
      let currency: string | null = campaign.actualCost?.currency ?? null
      for await (const row of services()
        .entity('campaignInfluence')
        .iterate({
          where: {
            and: [
              { field: 'campaignId', op: 'eq', value: campaignId },
              { field: 'model', op: 'eq', value: model },
            ],
          },
        })) {
        const money = row['revenue'] as { amountMinor: number; currency: string }
        if (currency && money.currency !== currency) {
          throw marketingError(
            MarketingErrorCodes.MARKETING_INVALID_CAMPAIGN,
            `Campaign "${campaignId}" mixes ${currency} and ${money.currency}: convert before computing ROI`,
            { campaignId, currencies: [currency, money.currency] },
          )
        }
        currency = money.currency
        revenue += money.amountMinor
      }
      const cost = campaign.actualCost?.amountMinor ?? null
      return {
        campaignId,
        model,
        currency,
        attributedRevenueMinor: revenue,
        costMinor: cost,
        roi: cost ? (revenue - cost) / cost : null,
      }
    },
  }
}
