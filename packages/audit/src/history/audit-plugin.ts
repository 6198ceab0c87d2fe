import type { CrmPlugin } from '@rapport/core'
import { definePlugin, RapportError } from '@rapport/core'
import { createIdGenerator } from '@rapport/core/ids'
import type { CommitContext, EntityHooks, QueuedEvent } from '@rapport/core/plugin'
import { AuditErrorCodes } from '../audit-error.js'
import type { AuditReader, AuditReaderOptions } from '../queries/audit-reader.js'
import { createAuditReader } from '../queries/audit-reader.js'
import type { AuditFieldAccess } from '../queries/field-access.js'
import type { AuditRetention } from '../retention/audit-retention.js'
import { createAuditRetention } from '../retention/audit-retention.js'
import { auditChangeEntity, auditEntities, auditEventEntity } from './audit-entities.js'
import type { Mutation } from './audit-rows.js'
import { auditRows, mutationOf } from './audit-rows.js'

/** Options of {@link auditPlugin}. */
export interface AuditOptions {
  /**
   * Entities whose writes are not audited. Default: the audit plugin's own models and automation's bookkeeping
   * models (jobs, runs, steps, clocks, state, scores, assignments).
   */
  readonly exclude?: readonly string[]
  /** Field-level read rule for history readers (default: every field is readable). */
  readonly fieldAccess?: AuditFieldAccess
}

/** The API of the audit plugin, as `crm.plugins.audit`. */
export interface AuditApi {
  /**
   * History queries for a reader: pass the reader's services (`crm.scoped({ actor })`) so their scope applies to the
   * records whose history they ask for, and their actor to field access. Without services, the CRM's own.
   */
  reader(options?: AuditReaderOptions): AuditReader
  /** Per-tenant retention policies and the job that enforces them. */
  readonly retention: AuditRetention
}

/** Models of automation that change on every write and carry no business meaning of their own. */
const AUTOMATION_BOOKKEEPING = [
  'automationJob',
  'automationRun',
  'automationStep',
  'automationState',
  'automationClock',
  'automationScore',
  'automationAssignment',
]

function readOnly(entity: string): RapportError {
  return new RapportError(
    AuditErrorCodes.AUDIT_READ_ONLY,
    `${entity} rows are written only by the audit plugin, in the transaction of the write they describe`,
    { details: { entity } },
  )
}

const guard = (entity: string): EntityHooks => ({
  create: {
    before: () => {
      throw readOnly(entity)
    },
  },
  update: {
    before: () => {
      throw readOnly(entity)
    },
  },
  delete: {
    before: () => {
      throw readOnly(entity)
    },
  },
})

/**
 * Audit history: every create, update, archive, restore and delete of every entity (core, plugin and custom fields)
 * writes one `auditEvent` row carrying each changed field's before and after values, inside the transaction of the
 * write, so a rolled-back write leaves no history and no write goes unrecorded. Events record the
 * actor and the session's origin (`crm.scoped({ origin })`): channel, request id, causation id. Writes made through
 * the `erasure` channel record only the skeleton (which fields changed, no values).
 *
 * @example
 * ```ts
 * import { auditPlugin } from '@rapport/audit'
 *
 * const crm = createCrm({ storage, plugins: [auditPlugin()] as const })
 * await crm.migrate()
 * const api = crm.scoped({ actor: { id: 'usr_ann' }, origin: { channel: 'ui', requestId: 'req_1' } })
 * const ada = await api.contacts.create({ firstName: 'Ada' })
 * await api.contacts.update(ada.id, { lastName: 'Lovelace' })
 * const page = await crm.plugins.audit.reader().timeline({ entity: 'contact', id: ada.id })
 * // page.items[0].changes → [{ field: 'lastName', before: null, after: 'Lovelace' }]
 * ```
 */
export function auditPlugin(options: AuditOptions = {}): CrmPlugin<'audit', AuditApi> {
  const exclude = new Set<string>([
    ...auditEntities.map((e) => e.name),
    ...(options.exclude ?? AUTOMATION_BOOKKEEPING),
  ])
  const nextId = createIdGenerator()
  const fieldAccess = options.fieldAccess

  async function record(events: readonly QueuedEvent[], ctx: CommitContext): Promise<void> {
    const mutations: Mutation[] = []
    for (const event of events) {
      const mutation = mutationOf(event, exclude)
      if (mutation) mutations.push(mutation)
    }
    if (mutations.length === 0) return
    const eventModel = ctx.schema.models[auditEventEntity.name]
    if (!eventModel) return
    // Erasure keeps who changed which field when, never the values it is removing.
    const erasing = ctx.origin.channel === 'erasure'
    const byTenant = new Map<string, Mutation[]>()
    for (const m of mutations) {
      const list = byTenant.get(m.tenantId)
      if (list) list.push(m)
      else byTenant.set(m.tenantId, [m])
    }
    // One bulk insert per tenant of the commit (almost always one): one row per audited write.
    for (const [tenantId, list] of byTenant) {
      await ctx.storage.createMany({
        model: eventModel,
        tenantId,
        schema: ctx.schema,
        data: auditRows(list, ctx, nextId, 0, erasing) as never,
      })
    }
  }

  return definePlugin({
    id: 'audit',
    version: '0.1.0',
    schema: { entities: [...auditEntities] },
    hooks: { [auditEventEntity.name]: guard('auditEvent'), [auditChangeEntity.name]: guard('auditChange') },
    beforeCommit: record,
    // The record's field changes on the customer timeline (`crm.timeline`): the event names the fields; their values
    // stay behind the history reader and its field access.
    timeline: [
      {
        kind: 'fieldChange',
        entity: auditEventEntity.name,
        at: 'occurredAt',
        where: (subject) => ({
          and: [
            { field: 'entity', op: 'eq', value: subject.type },
            { field: 'recordId', op: 'eq', value: subject.id },
            { field: 'action', op: 'eq', value: 'update' },
          ],
        }),
      },
    ],
    errorCodes: {
      READ_ONLY: 'Audit rows are written only by the audit plugin',
      INVALID_QUERY: 'A history query is malformed',
      INVALID_RETENTION: 'A retention policy is malformed',
    },
    api: (ctx) => ({
      reader: (readerOptions = {}) =>
        createAuditReader(readerOptions.services ?? ctx.crm, {
          ...readerOptions,
          root: ctx.crm,
          ...(fieldAccess ? { fieldAccess } : {}),
        }),
      retention: createAuditRetention(ctx, nextId),
    }),
  })
}
