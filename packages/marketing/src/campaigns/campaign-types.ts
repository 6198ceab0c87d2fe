import type { Money } from '@rapport/core/entities'
import type { campaignStatuses, MemberStatus } from './campaign-entities.js'

/** A campaign as stored. */
export interface Campaign {
  readonly id: string
  readonly name: string
  readonly status: (typeof campaignStatuses)[number]
  readonly channels: readonly string[]
  readonly purpose: string
  readonly budget: Money | null
  readonly actualCost: Money | null
  readonly startsAt: Date | null
  readonly endsAt: Date | null
  readonly parentId: string | null
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly version: number
}

/** Input of `campaigns.create`. */
export interface CampaignInput {
  readonly name: string
  readonly status?: Campaign['status']
  readonly channels?: readonly string[]
  readonly purpose?: string
  readonly budget?: Money | null
  readonly actualCost?: Money | null
  readonly startsAt?: Date | null
  readonly endsAt?: Date | null
  readonly parentId?: string | null
}

/** A campaign member as stored. */
export interface CampaignMember {
  readonly id: string
  readonly campaignId: string
  readonly recordId: string
  readonly segmentId: string | null
  readonly status: MemberStatus
  readonly responded: boolean
  readonly firstRespondedAt: Date | null
  readonly sentAt: Date | null
  readonly openedAt: Date | null
  readonly machineOpenedAt: Date | null
  readonly clickedAt: Date | null
  readonly bouncedAt: Date | null
  readonly unsubscribedAt: Date | null
}

/** What `campaigns.target` did. */
export interface TargetReport {
  /** New members. */
  readonly added: number
  /** Segment members already in the campaign. */
  readonly alreadyMembers: number
  /** Left out: unsubscribed from an earlier campaign. */
  readonly optedOut: number
  /** Left out: the consent port did not say `opt_in` for the campaign's purpose on its first channel. */
  readonly noConsent: number
}

/** What `campaigns.ingest` did. */
export interface IngestReport {
  /** Events stored (and applied to their members). */
  readonly ingested: number
  /** Events already stored (same `providerEventId`), ignored. */
  readonly duplicates: number
}

/**
 * A campaign's figures: unique members per outcome, and rates over `sent` (EspoCRM's denominator). Proxy opens are
 * counted apart (`machineOpenedOnly`) and never as opens.
 */
export interface CampaignStats {
  readonly targeted: number
  readonly sent: number
  readonly opened: number
  readonly machineOpenedOnly: number
  readonly clicked: number
  readonly responded: number
  readonly bounced: number
  readonly unsubscribed: number
  readonly openRate: number
  readonly clickRate: number
  readonly responseRate: number
  readonly bounceRate: number
  readonly unsubscribeRate: number
}

/** Return on investment of a campaign under one attribution model, in minor units of one currency. */
export interface CampaignRoi {
  readonly campaignId: string
  readonly model: string
  readonly currency: string | null
  readonly attributedRevenueMinor: number
  readonly costMinor: number | null
  /** (revenue − cost) / cost; `null` without a cost. */
  readonly roi: number | null
}

/** The consent port: `crm.plugins.privacy.consent` fits it. */
export interface ConsentPort {
  state(subjectId: string, purpose: string, channel: string): Promise<string>
  record?(input: {
    readonly subjectId: string
    readonly purpose: string
    readonly channel: 'email'
    readonly status: 'opt_out'
    readonly source: string
  }): Promise<unknown>
}
