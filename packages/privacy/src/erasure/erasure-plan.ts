import { redactAuditHistory } from '@rapport/audit'
import type { CommitContext } from '@rapport/core/plugin'
import type { StorageFilter } from '@rapport/core/storage'
import { consentEntity, privacyKeyEntity, suppressionEntity } from '../privacy-entities.js'

type Row = Record<string, unknown>

/** What the erasure transaction must also do through the storage port, and what it did. */
export interface ErasurePlan {
  readonly erasureId: string
  readonly tenantId: string
  readonly subject: { readonly entity: string; readonly id: string }
  /** Records whose audit values are redacted (the subject, every related record). */
  readonly touched: readonly { readonly entity: string; readonly ids: readonly string[] }[]
  /** Lower-cased strings whose presence in a log row marks it as about the subject (ids, emails, phones). */
  readonly needles: readonly string[]
  /** Suppression hashes to add. */
  readonly suppress: readonly { readonly kind: 'email' | 'phone'; readonly hash: string }[]
  /** Log and outbox models to purge. */
  readonly logs: readonly string[]
  readonly at: Date
  /** Filled in by {@link finishErasure}. */
  readonly report: {
    redactedChanges: number
    consentsDeleted: number
    keysDestroyed: number
    logRowsDeleted: number
    suppressed: number
  }
}

const eq = (field: string, value: string): StorageFilter => ({
  kind: 'compare',
  ref: { field, type: 'string' },
  op: 'eq',
  value,
})

/**
 * The storage-level half of an erasure, run in its transaction just before commit (the privacy plugin's
 * `beforeCommit`): consents and keys deleted (crypto-shredding), audit values redacted to their skeleton, log and
 * outbox rows that mention the subject deleted, suppression hashes added.
 *
 * @internal
 */
export async function finishErasure(plan: ErasurePlan, ctx: CommitContext): Promise<void> {
  const { storage: ops, schema } = ctx
  const tenantId = plan.tenantId
  const scope = (name: string) => {
    const model = schema.models[name]
    return model ? { model, tenantId, schema } : null
  }
  const consents = scope(consentEntity.name)
  let consentIds: string[] = []
  if (consents) {
    const rows = await ops.findMany({ ...consents, where: eq('subjectId', plan.subject.id) })
    consentIds = rows.map((r) => r['id'] as string)
    plan.report.consentsDeleted = await ops.deleteMany({
      ...consents,
      where: eq('subjectId', plan.subject.id),
    })
  }
  const keys = scope(privacyKeyEntity.name)
  if (keys)
    plan.report.keysDestroyed = await ops.deleteMany({ ...keys, where: eq('subjectId', plan.subject.id) })
  const purgedLogs: { entity: string; ids: string[] }[] = []
  for (const name of plan.logs) {
    const log = scope(name)
    if (!log) continue
    const rows = await ops.findMany(log)
    const ids: string[] = []
    for (const row of rows) {
      const text = JSON.stringify(row).toLowerCase()
      if (plan.needles.some((needle) => text.includes(needle))) {
        if (await ops.deleteById({ ...log, id: row['id'] as string })) ids.push(row['id'] as string)
      }
    }
    plan.report.logRowsDeleted += ids.length
    if (ids.length > 0) purgedLogs.push({ entity: name, ids })
  }
  // Redaction comes last, so it covers the history of log rows written through services too.
  const redaction = await redactAuditHistory(
    ops,
    schema,
    tenantId,
    [...plan.touched, { entity: consentEntity.name, ids: consentIds }, ...purgedLogs],
    plan.at,
  )
  plan.report.redactedChanges = redaction.changes
  const suppression = scope(suppressionEntity.name)
  if (suppression && plan.suppress.length > 0) {
    const existing = await ops.findMany({
      ...suppression,
      where: {
        kind: 'in',
        ref: { field: 'hash', type: 'string' },
        values: plan.suppress.map((s) => s.hash),
        negate: false,
      },
    })
    const have = new Set(existing.map((r: Row) => r['hash']))
    const fresh = plan.suppress.filter((s) => !have.has(s.hash))
    if (fresh.length > 0) {
      await ops.createMany({
        ...suppression,
        data: fresh.map((s, i) => ({
          id: `psup_${plan.erasureId.slice(4)}${i.toString(36)}`,
          tenantId,
          createdAt: plan.at,
          updatedAt: plan.at,
          version: 1,
          archivedAt: null,
          hash: s.hash,
          kind: s.kind,
          erasureId: plan.erasureId,
        })),
      })
    }
    plan.report.suppressed = fresh.length
  }
}
