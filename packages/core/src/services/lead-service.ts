import * as z from 'zod'
import type { Session } from '../crm/session.js'
import type {
  Company,
  CompanyInput,
  Contact,
  ContactInput,
  Deal,
  DealInput,
  Lead,
  LeadInput,
  StageChange,
} from '../entities/entity-types.js'
import type { Stage } from '../entities/pipeline.js'
import type { ResolvedEntity } from '../entities/resolved-entity.js'
import { RapportError } from '../errors/rapport-error.js'
import type { PipelineRules } from '../pipeline/pipeline-shape.js'
import { findStageByKey, initialStage } from '../pipeline/pipeline-shape.js'
import { b2bPipelineTemplate, leadStatusTemplate } from '../pipeline/pipeline-templates.js'
import type { TimeInStage } from '../pipeline/time-in-stage.js'
import { invalidTransition } from '../pipeline/transition-failure.js'
import type {
  ConvertLeadOptions,
  LeadConversion,
  LeadConvertedEvent,
  LeadFieldMapping,
  LeadService,
} from '../types/lead-service.js'
import type { MoveStageOptions } from '../types/stage-move-options.js'
import { targetableBehaviour } from './core-behaviours.js'
import { EntityServiceImpl } from './entity-service.js'
import { failValidation, toIssues } from './record-validation.js'
import { StageHistoryServiceImpl } from './stage-history-service.js'
import { withMoveIntent } from './stage-intents.js'
import { moveRecordStage } from './stage-moves.js'
import { findDefaultPipeline, loadPipeline, stagedBehaviour } from './staged-behaviour.js'

/** The stage a lead enters on conversion: the one keyed `converted`, else the first `won` stage. */
function convertedStageOf(pipeline: Pick<PipelineRules, 'stages'>): Stage | undefined {
  return findStageByKey(pipeline, 'converted') ?? pipeline.stages.find((s) => s.kind === 'won')
}

/** The lead status machine: converted leads are final, and only `convert()` converts. */
export const leadBehaviour = stagedBehaviour({
  entityType: 'lead',
  reasonField: 'disqualifiedReason',
  defaultTemplate: leadStatusTemplate,
  check({ current, from, to, converting }) {
    if (current?.['convertedAt']) {
      return {
        guard: 'converted',
        message: 'The lead is converted; converted leads are final',
        from: from?.id ?? null,
        to: to.id,
      }
    }
    if (to.kind === 'won' && !converting) {
      return {
        guard: 'converted',
        message: `"${to.name}" is the conversion stage: use crm.leads.convert()`,
        from: from?.id ?? null,
        to: to.id,
      }
    }
    return null
  },
  events(transition) {
    if (transition.to.kind === 'lost' && transition.from?.kind !== 'lost') return ['disqualified']
    if (transition.from && transition.from.kind !== 'open' && transition.to.kind === 'open')
      return ['reopened']
    return []
  },
})

/** The default {@link LeadFieldMapping}. */
export const defaultLeadFieldMapping = {
  contact: {
    firstName: 'firstName',
    lastName: 'lastName',
    title: 'title',
    ownerId: 'ownerId',
    source: 'source',
  },
  company: { companyName: 'name', domain: 'domain', ownerId: 'ownerId' },
  deal: { estimatedValue: 'amount', ownerId: 'ownerId' },
} as const satisfies LeadFieldMapping

const convertOptionsSchema = z
  .object({
    expectedVersion: z.int().min(1).optional(),
    contact: z.record(z.string(), z.unknown()).optional(),
    company: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
    deal: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
    existing: z.enum(['link', 'create', 'fail']).optional(),
    mapping: z
      .object({
        contact: z.record(z.string(), z.string()).optional(),
        company: z.record(z.string(), z.string()).optional(),
        deal: z.record(z.string(), z.string()).optional(),
      })
      .strict()
      .optional(),
    reason: z.string().min(1).max(1000).optional(),
  })
  .strict()

function readPath(record: Readonly<Record<string, unknown>>, path: string): unknown {
  const [head, ...rest] = path.split('.')
  let value: unknown = record[head as string]
  for (const part of rest)
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined
  return value
}

function mapFields(lead: Lead, mapping: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [from, to] of Object.entries(mapping)) {
    const value = readPath(lead as unknown as Record<string, unknown>, from)
    if (value === null || value === undefined) continue
    const [head, ...rest] = to.split('.')
    if (rest.length === 0) out[head as string] = value
    else {
      const obj = (out[head as string] as Record<string, unknown> | undefined) ?? {}
      obj[rest.join('.')] = value
      out[head as string] = obj
    }
  }
  return out
}

/** The implementation of {@link LeadService}. */
export class LeadServiceImpl
  extends EntityServiceImpl<Lead, LeadInput, Partial<LeadInput>>
  implements LeadService
{
  readonly #session: Session

  /** @internal */
  constructor(session: Session, entity: ResolvedEntity) {
    super(session, entity, targetableBehaviour('lead', leadBehaviour))
    this.#session = session
  }

  async moveStage(id: string, stageId: string, options: MoveStageOptions = {}): Promise<Lead> {
    return (await moveRecordStage(this.#session, 'lead', id, stageId, options)) as unknown as Lead
  }

  async stageHistory(id: string): Promise<StageChange[]> {
    await this.get(id)
    return new StageHistoryServiceImpl(this.#session).forRecord('lead', id)
  }

  async timeInStage(id: string): Promise<TimeInStage> {
    await this.get(id)
    return new StageHistoryServiceImpl(this.#session).timeInStage('lead', id)
  }

  async convert(id: string, options: ConvertLeadOptions = {}): Promise<LeadConversion> {
    const parsed = convertOptionsSchema.safeParse(options ?? {})
    if (!parsed.success) failValidation('lead', toIssues(parsed.error, ['options']))
    const opts = parsed.data as ConvertLeadOptions
    return this.#session.write(async (session) => {
      const crm = session.runtime.servicesFor(session)
      const lead = await crm.leads.get(id)
      if (opts.expectedVersion !== undefined && lead.version !== opts.expectedVersion) {
        throw new RapportError('VERSION_CONFLICT', `The lead "${id}" was changed by someone else`, {
          details: { entity: 'lead', id, expectedVersion: opts.expectedVersion, actualVersion: lead.version },
        })
      }
      if (lead.convertedAt) {
        throw invalidTransition('lead', id, {
          guard: 'converted',
          message: `The lead was already converted on ${lead.convertedAt.toISOString()}`,
          from: lead.stageId ?? null,
          to: lead.stageId ?? null,
        })
      }
      const pipeline = await loadPipeline(session, lead.pipelineId as string)
      const target = pipeline ? convertedStageOf(pipeline) : undefined
      if (!target) {
        throw invalidTransition('lead', id, {
          guard: 'stageInPipeline',
          message: 'The lead pipeline has no conversion stage (key "converted" or a won stage)',
          from: lead.stageId ?? null,
          to: null,
        })
      }
      const mapping = {
        contact: { ...defaultLeadFieldMapping.contact, ...opts.mapping?.contact },
        company: { ...defaultLeadFieldMapping.company, ...opts.mapping?.company },
        deal: { ...defaultLeadFieldMapping.deal, ...opts.mapping?.deal },
      }
      const existingPolicy = opts.existing ?? 'fail'

      const existingContact = lead.email
        ? (
            await crm.contacts.list({
              where: { field: 'emails.address', op: 'eq', value: lead.email },
              limit: 1,
            })
          ).items[0]
        : undefined
      const wantCompany =
        opts.company !== false &&
        (typeof opts.company === 'object' || Boolean(lead.companyName || lead.domain))
      const existingCompany =
        wantCompany && lead.domain
          ? (await crm.companies.list({ where: { field: 'domain', op: 'eq', value: lead.domain }, limit: 1 }))
              .items[0]
          : undefined
      if (existingPolicy === 'fail' && (existingContact || existingCompany)) {
        throw new RapportError(
          'UNIQUE_VIOLATION',
          `A ${existingContact ? 'contact with this email' : 'company with this domain'} exists already; convert with existing: 'link' or 'create'`,
          {
            details: {
              entity: 'lead',
              id,
              existingContactId: existingContact?.id ?? null,
              existingCompanyId: existingCompany?.id ?? null,
            },
          },
        )
      }
      const link = existingPolicy === 'link'

      let company: Company | null = null
      if (wantCompany) {
        if (link && existingCompany) company = existingCompany
        else {
          const input = {
            ...mapFields(lead, mapping.company),
            ...(typeof opts.company === 'object' ? opts.company : {}),
          } as CompanyInput
          if (!input.name) input.name = lead.domain ?? 'Unnamed company'
          company = await crm.companies.create(input)
        }
      }

      let contact: Contact
      const contactLinked = Boolean(link && existingContact)
      if (link && existingContact) {
        contact = existingContact
        if (company && !contact.companyId)
          contact = await crm.contacts.update(contact.id, { companyId: company.id })
      } else {
        contact = await crm.contacts.create({
          ...mapFields(lead, mapping.contact),
          ...(lead.email ? { emails: [{ address: lead.email, primary: true }] } : {}),
          ...(lead.phone ? { phones: [{ number: lead.phone, primary: true }] } : {}),
          ...(company ? { companyId: company.id } : {}),
          ...opts.contact,
        } as ContactInput)
      }

      let deal: Deal | null = null
      if (opts.deal) {
        const given = typeof opts.deal === 'object' ? opts.deal : {}
        let pipelineId = given.pipelineId ?? (await findDefaultPipeline(session, 'deal'))
        if (!pipelineId)
          pipelineId = (await crm.pipelines.create(b2bPipelineTemplate({ isDefault: true }))).id
        const dealPipeline = await loadPipeline(session, pipelineId)
        const name =
          [lead.companyName, [lead.firstName, lead.lastName].filter(Boolean).join(' ')].find((s) => s) ??
          'New deal'
        deal = await crm.deals.create({
          name,
          ...mapFields(lead, mapping.deal),
          ...(company ? { companyId: company.id } : {}),
          ...given,
          pipelineId,
          stageId: given.stageId ?? (dealPipeline ? initialStage(dealPipeline).id : ''),
          leadId: lead.id,
        } as DealInput)
        await crm.deals.addContact(deal.id, contact.id, { isPrimary: true })
      }

      const relinked: string[] = []
      const linkEntity = session.runtime.schema.entity('recordLink')
      const links = await session.ops.findMany({
        model: linkEntity.model,
        tenantId: session.tenantId,
        schema: session.runtime.schema.storage,
        where: {
          kind: 'and',
          filters: [
            { kind: 'compare', ref: { field: 'targetType', type: 'string' }, op: 'eq', value: 'lead' },
            { kind: 'compare', ref: { field: 'targetId', type: 'string' }, op: 'eq', value: id },
          ],
        },
        orderBy: [{ ref: { field: 'sourceId', type: 'string' }, direction: 'asc' }],
      })
      const additions = [
        { type: 'contact', id: contact.id },
        ...(deal ? [{ type: 'deal', id: deal.id }] : []),
      ]
      for (const row of links) {
        const sourceType = row['sourceType'] as string
        if (sourceType !== 'activity' && sourceType !== 'task') continue
        const service = sourceType === 'activity' ? crm.activities : crm.tasks
        const item = await service.get(row['sourceId'] as string)
        const targets = [...item.targets]
        for (const add of additions) {
          if (!targets.some((t) => t.type === add.type && t.id === add.id)) targets.push(add)
        }
        await service.update(item.id, { targets })
        relinked.push(item.id)
      }

      const converted = (await withMoveIntent(
        session,
        id,
        { converting: true, reason: opts.reason ?? null },
        () =>
          crm.leads.update(id, {
            stageId: target.id,
            convertedAt: session.runtime.clock(),
            convertedContactId: contact.id,
            convertedCompanyId: company?.id ?? null,
            convertedDealId: deal?.id ?? null,
          }),
      )) as Lead
      const result: LeadConversion = {
        lead: converted,
        contact,
        company,
        deal,
        linked: {
          contact: contactLinked,
          company: Boolean(link && existingCompany && company?.id === existingCompany.id),
        },
        relinked,
      }
      session.queue('lead.converted', {
        entity: 'lead',
        id,
        tenantId: session.tenantId,
        at: session.runtime.clock(),
        actor: session.actor,
        ...result,
      } satisfies LeadConvertedEvent)
      return result
    })
  }
}
