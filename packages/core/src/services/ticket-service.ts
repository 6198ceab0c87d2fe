import * as z from 'zod'
import type { Session } from '../crm/session.js'
import type {
  BusinessCalendar,
  SlaPolicy,
  StageChange,
  Ticket,
  TicketInput,
} from '../entities/entity-types.js'
import type { Stage } from '../entities/pipeline.js'
import type { ResolvedEntity } from '../entities/resolved-entity.js'
import type { BusinessCalendarSpec } from '../pipeline/business-hours.js'
import { findStage } from '../pipeline/pipeline-shape.js'
import { ticketStatusTemplate } from '../pipeline/pipeline-templates.js'
import type { SlaPeriod, SlaStatus } from '../pipeline/sla.js'
import { computeSla } from '../pipeline/sla.js'
import type { TimeInStage } from '../pipeline/time-in-stage.js'
import { unstorableInstantReason } from '../storage/storable-value.js'
import type { StorageFilter } from '../storage/storage-filter.js'
import { PAST_DUE_OP } from '../time/due-time.js'
import type { MoveStageOptions } from '../types/stage-move-options.js'
import type { SlaBreach, SlaBreachedEvent, TicketService } from '../types/ticket-service.js'
import { targetableBehaviour } from './core-behaviours.js'
import { EntityServiceImpl } from './entity-service.js'
import { failValidation } from './record-validation.js'
import { StageHistoryServiceImpl } from './stage-history-service.js'
import type { PendingTransition } from './stage-intents.js'
import { moveRecordStage } from './stage-moves.js'
import { loadPipeline, stagedBehaviour } from './staged-behaviour.js'

function scope(session: Session, model: string) {
  const schema = session.runtime.schema
  return { model: schema.entity(model).model, tenantId: session.tenantId, schema: schema.storage }
}

function eq(field: string, value: string | boolean): StorageFilter {
  return {
    kind: 'compare',
    ref: { field, type: typeof value === 'boolean' ? 'boolean' : 'string' },
    op: 'eq',
    value,
  }
}

async function findRecord<T>(session: Session, model: string, id: string): Promise<T | null> {
  const row = await session.ops.findById({ ...scope(session, model), id })
  return row ? (session.runtime.schema.entity(model).fromRow(row) as T) : null
}

async function defaultPolicyId(session: Session): Promise<string | null> {
  const rows = await session.ops.findMany({
    ...scope(session, 'slaPolicy'),
    where: {
      kind: 'and',
      filters: [
        eq('isDefault', true),
        { kind: 'isNull', ref: { field: 'archivedAt', type: 'datetime' }, isNull: true },
      ],
    },
    orderBy: [{ ref: { field: 'id', type: 'string' }, direction: 'asc' }],
    limit: 1,
  })
  return (rows[0]?.['id'] as string | undefined) ?? null
}

/** The SLA status of a ticket record given its history rows, at `now`. */
async function slaOf(
  session: Session,
  ticket: Record<string, unknown>,
  history: readonly { toStageId: string; at: Date; pipelineId: string }[],
  now: Date,
): Promise<{ status: SlaStatus; policy: SlaPolicy } | null> {
  const policyId = ticket['slaPolicyId'] as string | null
  if (!policyId) return null
  const policy = await findRecord<SlaPolicy>(session, 'slaPolicy', policyId)
  if (!policy) return null
  const target = policy.targets.find((t) => t.priority === ticket['priority'])
  if (!target) return null
  let calendar: BusinessCalendarSpec | null = null
  if (policy.calendarId) {
    const cal = await findRecord<BusinessCalendar>(session, 'businessCalendar', policy.calendarId)
    if (cal) calendar = { timeZone: cal.timeZone, hours: cal.hours, holidays: cal.holidays }
  }
  const pipelines = new Map<string, Awaited<ReturnType<typeof loadPipeline>>>()
  const periods: SlaPeriod[] = []
  for (const row of history) {
    if (!pipelines.has(row.pipelineId))
      pipelines.set(row.pipelineId, await loadPipeline(session, row.pipelineId))
    const pipeline = pipelines.get(row.pipelineId)
    const stage: Stage | undefined = pipeline ? findStage(pipeline, row.toStageId) : undefined
    periods.push({ from: row.at, kind: stage?.kind ?? 'open', onHold: stage?.onHold ?? false })
  }
  const status = computeSla({
    createdAt: ticket['createdAt'] as Date,
    firstRespondedAt: (ticket['firstRespondedAt'] as Date | null) ?? null,
    periods,
    firstResponseMinutes: target.firstResponseMinutes ?? null,
    resolutionMinutes: target.resolutionMinutes ?? null,
    atRiskPercent: policy.atRiskPercent,
    calendar,
    now,
  })
  return { status, policy }
}

async function historyOf(session: Session, id: string): Promise<StageChange[]> {
  const entity = session.runtime.schema.entity('stageChange')
  const rows = await session.ops.findMany({
    ...scope(session, 'stageChange'),
    where: { kind: 'and', filters: [eq('entityType', 'ticket'), eq('recordId', id)] },
    orderBy: [
      { ref: { field: 'at', type: 'datetime' }, direction: 'asc' },
      { ref: { field: 'id', type: 'string' }, direction: 'asc' },
    ],
  })
  return rows.map((row) => entity.fromRow(row) as unknown as StageChange)
}

/** Keeps a ticket's SLA policy and due times in step with every write. */
async function prepareSla(
  record: Record<string, unknown>,
  session: Session,
  current: Record<string, unknown> | null,
  transition: PendingTransition | null,
): Promise<void> {
  if (!current && !record['slaPolicyId']) record['slaPolicyId'] = await defaultPolicyId(session)
  if (current) {
    record['firstResponseBreachedAt'] = current['firstResponseBreachedAt'] ?? null
    record['resolutionBreachedAt'] = current['resolutionBreachedAt'] ?? null
  }
  const history: { toStageId: string; at: Date; pipelineId: string }[] = current
    ? await historyOf(session, record['id'] as string)
    : []
  if (transition)
    history.push({ toStageId: transition.to.id, at: transition.at, pipelineId: transition.pipelineId })
  const now = session.runtime.clock()
  const sla = await slaOf(session, record, history, now)
  const first = sla?.status.firstResponse
  const resolution = sla?.status.resolution
  record['firstResponseDueAt'] = first && !first.achievedAt ? first.dueAt : null
  record['resolutionDueAt'] = resolution && !resolution.achievedAt ? resolution.dueAt : null
}

/** The ticket status machine, with SLA due times maintained on every write. */
export const ticketBehaviour = stagedBehaviour({
  entityType: 'ticket',
  reasonField: null,
  defaultTemplate: ticketStatusTemplate,
  afterPrepare: prepareSla,
  events(transition) {
    if (transition.to.kind !== 'open' && transition.from?.kind === 'open') return ['resolved']
    if (transition.from && transition.from.kind !== 'open' && transition.to.kind === 'open')
      return ['reopened']
    return []
  },
})

const respondSchema = z.object({ at: z.date().optional() }).strict()

/** The implementation of {@link TicketService}. */
export class TicketServiceImpl
  extends EntityServiceImpl<Ticket, TicketInput, Partial<TicketInput>>
  implements TicketService
{
  readonly #session: Session

  /** @internal */
  constructor(session: Session, entity: ResolvedEntity) {
    super(session, entity, targetableBehaviour('ticket', ticketBehaviour))
    this.#session = session
  }

  async moveStage(id: string, stageId: string, options: MoveStageOptions = {}): Promise<Ticket> {
    return (await moveRecordStage(this.#session, 'ticket', id, stageId, options)) as unknown as Ticket
  }

  async recordResponse(id: string, options: { readonly at?: Date } = {}): Promise<Ticket> {
    const parsed = respondSchema.safeParse(options ?? {})
    if (!parsed.success) {
      failValidation('ticket', [
        { path: ['options', 'at'], message: 'Expected a Date', code: 'invalid_type' },
      ])
    }
    // Checked up front, so an answered ticket refuses a far date too (it returned silently before).
    const outOfRange = parsed.data.at ? unstorableInstantReason(parsed.data.at) : undefined
    if (outOfRange) {
      failValidation('ticket', [
        { path: ['options', 'at'], message: `The date ${outOfRange}`, code: 'invalid_value' },
      ])
    }
    return this.#session.write(async (session) => {
      const tickets = session.runtime.servicesFor(session).tickets
      const ticket = await tickets.get(id)
      if (ticket.firstRespondedAt) return ticket
      return tickets.update(id, { firstRespondedAt: parsed.data.at ?? session.runtime.clock() })
    })
  }

  async stageHistory(id: string): Promise<StageChange[]> {
    await this.get(id)
    return new StageHistoryServiceImpl(this.#session).forRecord('ticket', id)
  }

  async timeInStage(id: string): Promise<TimeInStage> {
    await this.get(id)
    return new StageHistoryServiceImpl(this.#session).timeInStage('ticket', id)
  }

  async sla(id: string): Promise<SlaStatus> {
    const ticket = await this.get(id)
    const session = this.#session
    return session.read(async () => {
      const sla = await slaOf(
        session,
        ticket as unknown as Record<string, unknown>,
        await historyOf(session, id),
        session.runtime.clock(),
      )
      return sla?.status ?? { firstResponse: null, resolution: null }
    })
  }

  async checkSla(now?: Date): Promise<SlaBreach[]> {
    if (now !== undefined && !(now instanceof Date && !Number.isNaN(now.getTime()))) {
      failValidation('ticket', [{ path: ['now'], message: 'Expected a valid Date', code: 'invalid_type' }])
    }
    // `now` is written as the breach mark: a date no adapter stores identically is refused before anything runs.
    const outOfRange = now ? unstorableInstantReason(now) : undefined
    if (outOfRange) {
      failValidation('ticket', [{ path: ['now'], message: `The date ${outOfRange}`, code: 'invalid_value' }])
    }
    const session = this.#session
    const at = now ?? session.runtime.clock()
    const breaches: SlaBreach[] = []
    for (const metric of ['firstResponse', 'resolution'] as const) {
      const due = `${metric}DueAt`
      const marked = `${metric}BreachedAt`
      const candidates = await session.read((ops) =>
        ops.findMany({
          ...scope(session, 'ticket'),
          where: {
            kind: 'and',
            filters: [
              // Past due: dueAt < now, core's one rule (isPastDue); the due instant itself is still in time.
              { kind: 'compare', ref: { field: due, type: 'datetime' }, op: PAST_DUE_OP, value: at },
              { kind: 'isNull', ref: { field: marked, type: 'datetime' }, isNull: true },
              { kind: 'isNull', ref: { field: 'archivedAt', type: 'datetime' }, isNull: true },
            ],
          },
          orderBy: [{ ref: { field: due, type: 'datetime' }, direction: 'asc' }],
          limit: 1000,
        }),
      )
      for (const row of candidates) {
        const breach = await session.write(async (tx) => {
          const entity = tx.runtime.schema.entity('ticket')
          const fresh = await tx.ops.findById({ ...scope(tx, 'ticket'), id: row['id'] as string })
          if (!fresh || fresh[marked] !== null || fresh['version'] !== row['version']) return null
          const ticket = entity.fromRow(fresh)
          const sla = await slaOf(tx, ticket, await historyOf(tx, ticket['id'] as string), at)
          const status = sla?.status[metric]
          if (!sla || !status || status.state !== 'breached' || !status.dueAt) return null
          const stored = await tx.ops.updateById({
            ...scope(tx, 'ticket'),
            id: ticket['id'] as string,
            data: { [marked]: at, updatedAt: at, version: (ticket['version'] as number) + 1 },
            guard: {
              kind: 'compare',
              ref: { field: 'version', type: 'integer' },
              op: 'eq',
              value: ticket['version'] as number,
            },
          })
          if (!stored) return null
          const record = entity.fromRow(stored) as unknown as Ticket
          tx.queue('ticket.sla_breached', {
            entity: 'ticket',
            id: record.id,
            tenantId: tx.tenantId,
            at,
            actor: tx.actor,
            record,
            metric,
            dueAt: status.dueAt,
            policyId: sla.policy.id,
          } satisfies SlaBreachedEvent)
          return { ticketId: record.id, metric, dueAt: status.dueAt }
        })
        if (breach) breaches.push(breach)
      }
    }
    return breaches
  }
}
