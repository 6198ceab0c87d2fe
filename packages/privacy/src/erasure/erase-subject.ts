import type { CrmServices } from '@rapport/core'
import { isRapportError } from '@rapport/core'
import type { PluginContext } from '@rapport/core/plugin'
import { newKeyId } from '../encryption/subject-cipher.js'
import type { FieldTags } from '../tags/field-tags.js'
import { taggedFields } from '../tags/field-tags.js'
import type { ErasurePlan } from './erasure-plan.js'
import { resolveSubjectGraph } from './subject-graph.js'
import { identifiersOf, suppressionHashes } from './suppression.js'

type Row = Record<string, unknown>

/** What erasure does with a record: destroy it, clear its `pii` fields, or keep it as it is (legal retention). */
export type RecordErasure = 'delete' | 'anonymise' | 'retain'

/** What an erasure did, without any personal data: keep it as the receipt of the request. */
export interface ErasureReceipt {
  readonly erasureId: string
  readonly subject: { readonly entity: string; readonly id: string }
  readonly at: Date
  readonly deleted: Readonly<Record<string, number>>
  readonly anonymised: Readonly<Record<string, number>>
  readonly retained: Readonly<Record<string, number>>
  readonly redactedAuditChanges: number
  readonly consentsDeleted: number
  readonly keysDestroyed: number
  readonly logRowsDeleted: number
  readonly suppressionEntries: number
  /** Whether the storage scrubbed remnants (SQLite: FTS segments merged, WAL truncated). */
  readonly scrubbed: boolean
}

/** Configuration the erasure needs from the plugin. @internal */
export interface ErasureSettings {
  readonly tags: FieldTags
  readonly policies: Readonly<Record<string, RecordErasure>>
  readonly logs: readonly string[]
  readonly hash: (value: string) => Promise<string>
  readonly plans: Map<string, ErasurePlan>
  readonly clock: () => Date
}

/** The patch that clears a record's `pii` fields; strings fall back to `[erased]` where a value is required. */
function clearing(tags: FieldTags, entity: string, record: Row, placeholder: boolean): Row {
  const patch: Row = {}
  for (const field of taggedFields(tags, entity, 'pii')) {
    if (tags[entity]?.[field]?.erasure === 'retain') continue
    const value = field.startsWith('custom.')
      ? (record['custom'] as Row | null)?.[field.slice(7)]
      : record[field]
    if (value === null || value === undefined) continue
    const cleared = placeholder
      ? typeof value === 'string'
        ? '[erased]'
        : Array.isArray(value)
          ? []
          : null
      : null
    if (field.startsWith('custom.'))
      patch['custom'] = { ...(patch['custom'] as Row), [field.slice(7)]: cleared }
    else patch[field] = cleared
  }
  return patch
}

async function anonymise(tx: CrmServices, tags: FieldTags, entity: string, record: Row): Promise<boolean> {
  const id = record['id'] as string
  const patch = clearing(tags, entity, record, false)
  if (Object.keys(patch).length === 0) return false
  try {
    await tx.entity(entity).update(id, patch)
  } catch (error) {
    if (!isRapportError(error, 'VALIDATION_FAILED')) throw error
    await tx.entity(entity).update(id, clearing(tags, entity, record, true))
  }
  return true
}

const DEFAULT_POLICY: Readonly<Record<string, RecordErasure>> = {
  contact: 'delete',
  lead: 'delete',
  activity: 'delete',
  task: 'delete',
  dealContact: 'delete',
  order: 'retain',
}

/**
 * Erases a data subject in one transaction through the `erasure` channel; see `PrivacyApi.erase`.
 *
 * @internal
 */
export async function eraseSubject(
  ctx: PluginContext,
  settings: ErasureSettings,
  request: { entity: string; id: string; tenantId?: string; reason?: string },
): Promise<ErasureReceipt> {
  const policies = { ...DEFAULT_POLICY, ...settings.policies }
  const tenant = request.tenantId ?? ctx.crm.tenantId
  const erasureId = `era_${newKeyId()}`
  const services = ctx.scoped({
    tenantId: tenant,
    actor: null,
    origin: {
      channel: 'erasure',
      channelRef: erasureId,
      ...(request.reason ? { reason: request.reason } : {}),
    },
  })
  const graph = await resolveSubjectGraph(
    services,
    ctx.schema,
    request.entity,
    request.id,
    new Set(settings.logs),
  )
  const at = settings.clock()
  const needles = new Set<string>([request.id.toLowerCase()])
  const ids = identifiersOf(graph.record)
  for (const v of [...ids.email, ...ids.phone]) needles.add(v)
  const touched: { entity: string; ids: string[] }[] = [{ entity: request.entity, ids: [request.id] }]
  for (const [entity, rows] of graph.related)
    touched.push({ entity, ids: rows.map((r) => r['id'] as string) })
  const plan: ErasurePlan = {
    erasureId,
    tenantId: tenant,
    subject: { entity: request.entity, id: request.id },
    touched,
    needles: [...needles],
    suppress: await suppressionHashes(graph.record, settings.hash),
    logs: settings.logs,
    at,
    report: { redactedChanges: 0, consentsDeleted: 0, keysDestroyed: 0, logRowsDeleted: 0, suppressed: 0 },
  }
  const deleted: Record<string, number> = {}
  const anonymised: Record<string, number> = {}
  const retained: Record<string, number> = {}
  const bump = (counts: Record<string, number>, entity: string) => {
    counts[entity] = (counts[entity] ?? 0) + 1
  }
  settings.plans.set(erasureId, plan)
  try {
    await services.transaction(async (tx) => {
      for (const [entity, rows] of graph.related) {
        const policy = policies[entity] ?? 'anonymise'
        for (const row of rows) {
          const id = row['id'] as string
          if (policy === 'retain') bump(retained, entity)
          else if (policy === 'delete' && !graph.shared.has(id)) {
            // A join row may already be gone with the subject's other links.
            if (await tx.entity(entity).find(id)) {
              await tx.entity(entity).delete(id)
              bump(deleted, entity)
            }
          } else if (await anonymise(tx, settings.tags, entity, row)) bump(anonymised, entity)
        }
      }
      if ((policies[request.entity] ?? 'delete') === 'anonymise') {
        await anonymise(tx, settings.tags, request.entity, graph.record)
        bump(anonymised, request.entity)
      } else {
        await tx.entity(request.entity).delete(request.id)
        bump(deleted, request.entity)
      }
    })
  } finally {
    settings.plans.delete(erasureId)
  }
  let scrubbed = false
  if (ctx.storage.scrub) {
    await ctx.storage.scrub(ctx.schema)
    scrubbed = true
  }
  return {
    erasureId,
    subject: plan.subject,
    at,
    deleted,
    anonymised,
    retained,
    redactedAuditChanges: plan.report.redactedChanges,
    consentsDeleted: plan.report.consentsDeleted,
    keysDestroyed: plan.report.keysDestroyed,
    logRowsDeleted: plan.report.logRowsDeleted,
    suppressionEntries: plan.report.suppressed,
    scrubbed,
  }
}
