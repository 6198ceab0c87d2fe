import type { CrmServices } from '@rapport/core'
import { RapportError } from '@rapport/core'
import type { StorageSchema } from '@rapport/core/storage'
import type { DuplicateRule } from '../duplicates/duplicate-rule.js'
import { syncMatchKeys } from '../duplicates/match-key-store.js'
import { skipDuplicateCheck } from '../duplicates/skip-duplicate-check.js'
import { asMergeWrite } from '../validation/validation-hooks.js'
import type { SurvivorshipPolicy } from './survivorship.js'
import { DEFAULT_CONCAT_FIELDS, DEFAULT_UNION_FIELDS, mergeField } from './survivorship.js'

/** What to merge, and how. */
export interface MergeRequest {
  readonly entity: string
  /** The record that absorbs the others. */
  readonly survivorId: string
  /** One to five records merged into the survivor and tombstoned. */
  readonly loserIds: readonly string[]
  /** Per-field survivorship (default: `union` for tags/emails/phones, `concat` for notes, else `nonEmptyFirst`). */
  readonly policy?: Readonly<Record<string, SurvivorshipPolicy>>
  /** Compute and return the result, then roll everything back. */
  readonly dryRun?: boolean
}

/** What a merge did (or, in a dry run, would do). */
export interface MergeResult {
  readonly survivor: Record<string, unknown>
  /** The state of every record involved before the merge (survivor first), for audit and unmerge. */
  readonly before: readonly Record<string, unknown>[]
  /** Re-parented rows per model and field, e.g. `{ 'deal.primaryContactId': 2, 'activity.targets': 3 }`. */
  readonly reparented: Readonly<Record<string, number>>
  /** Join rows removed because the survivor already had the same link. */
  readonly droppedLinks: number
  readonly dryRun: boolean
}

/**
 * The payload of the `record.merged` event (on `crm.events`, after the merge commits; never for a dry run): the
 * before-state of every record involved, so an unmerge can restore them.
 */
export interface RecordMergedEvent {
  /** The `dqMerge` record kept for audit. */
  readonly mergeId: string
  readonly entity: string
  readonly tenantId: string
  readonly survivorId: string
  readonly loserIds: readonly string[]
  /** Every record as it was before the merge, survivor first. */
  readonly before: readonly Record<string, unknown>[]
  /** The survivor after the merge. */
  readonly after: Record<string, unknown>
  readonly reparented: Readonly<Record<string, number>>
  readonly droppedLinks: number
}

/** The most records merged into one survivor per call (Salesforce merges 3, HubSpot 2; EspoCRM more). */
export const MAX_MERGE_LOSERS = 5

const SYSTEM = new Set(['id', 'tenantId', 'createdAt', 'updatedAt', 'version', 'archivedAt', 'mergedIntoId'])

class DryRunRollback extends Error {
  readonly result: MergeResult
  constructor(result: MergeResult) {
    super('dry run')
    this.result = result
  }
}

function invalid(message: string, details: Record<string, unknown> = {}): never {
  throw new RapportError('VALIDATION_FAILED', message, {
    details: { issues: [{ path: ['loserIds'], message, code: 'custom' }], ...details },
  })
}

/**
 * Merges up to five records into a survivor in one transaction, through `crm`'s services (access applies): field
 * survivorship, then every relation re-parented (references from any model, join rows with conflicts dropped,
 * polymorphic activity and task targets), losers tombstoned (`mergedIntoId`, archived, match keys removed), open
 * duplicate sets of the records closed as `merged`, a `dqMerge` record holding every before-state, and a
 * `record.merged` event ({@link RecordMergedEvent}) delivered after commit. Nothing is written when any step fails, or in a dry run.
 */
export async function mergeRecords(
  crm: CrmServices,
  schema: StorageSchema,
  rules: readonly DuplicateRule[],
  request: MergeRequest,
): Promise<MergeResult> {
  const { entity, survivorId, loserIds } = request
  const model = schema.models[entity]
  if (!model) invalid(`Unknown entity "${entity}"`)
  if (!Array.isArray(loserIds) || loserIds.length === 0 || loserIds.length > MAX_MERGE_LOSERS) {
    invalid(`Merge 1 to ${MAX_MERGE_LOSERS} records into the survivor`)
  }
  const ids = [survivorId, ...loserIds]
  if (new Set(ids).size !== ids.length) invalid('A record cannot be merged with itself')
  for (const id of ids) {
    if (typeof id !== 'string' || !id.startsWith(`${model.idPrefix}_`)) {
      invalid(`"${String(id)}" is not a ${entity} id: only records of one type can be merged`, { id })
    }
  }
  const run = () =>
    crm.transaction(async (tx) => {
      const service = tx.entity<Record<string, unknown>>(entity)
      const records = [] as Record<string, unknown>[]
      for (const id of ids) {
        const record = await service.get(id)
        if (record['mergedIntoId']) invalid(`${id} was already merged into ${String(record['mergedIntoId'])}`)
        records.push(record)
      }
      const survivor = records[0] as Record<string, unknown>
      const patch: Record<string, unknown> = {}
      for (const field of Object.keys(survivor)) {
        if (SYSTEM.has(field)) continue
        const policy =
          request.policy?.[field] ??
          (DEFAULT_UNION_FIELDS.includes(field)
            ? 'union'
            : DEFAULT_CONCAT_FIELDS.includes(field)
              ? 'concat'
              : 'nonEmptyFirst')
        const value =
          field === 'custom' && policy === 'nonEmptyFirst'
            ? Object.assign({}, ...[...records].reverse().map((r) => r['custom'] ?? {}))
            : mergeField(policy, field, records)
        if (JSON.stringify(value) !== JSON.stringify(survivor[field])) patch[field] = value ?? null
      }
      const reparented: Record<string, number> = {}
      let droppedLinks = 0
      // Polymorphic targets of activities and tasks: rewrite the source's `targets`; core re-syncs its link rows.
      const links = await tx.entity<{ sourceType: string; sourceId: string }>('recordLink').list({
        where: {
          and: [
            { field: 'targetType', op: 'eq', value: entity },
            { field: 'targetId', op: 'in', value: [...loserIds] },
          ],
        },
        limit: 1000,
      })
      const sources = new Map<string, string>()
      for (const link of links.items) sources.set(link.sourceId, link.sourceType)
      for (const [sourceId, sourceType] of sources) {
        const source = await tx.entity<{ targets: { type: string; id: string }[] }>(sourceType).get(sourceId)
        const seen = new Set<string>()
        const targets = source.targets
          .map((t) => (t.type === entity && loserIds.includes(t.id) ? { ...t, id: survivorId } : t))
          .filter((t) => {
            const key = `${t.type}:${t.id}`
            if (seen.has(key)) return false
            seen.add(key)
            return true
          })
        await tx.entity(sourceType).update(sourceId, { targets })
        reparented[`${sourceType}.targets`] = (reparented[`${sourceType}.targets`] ?? 0) + 1
      }
      // Plain references and join rows, from every model that declares a reference to this entity.
      for (const other of Object.values(schema.models)) {
        if (other.name === 'recordLink' || other.name.startsWith('dq')) continue
        const refFields = Object.entries(other.fields).filter(([, f]) => f.references?.model === entity)
        const otherRefs = Object.entries(other.fields)
          .filter(([, f]) => f.references && f.references.model !== entity)
          .map(([name]) => name)
        for (const [field] of refFields) {
          const rows = tx.entity<Record<string, unknown>>(other.name)
          const page = await rows.list({
            where: { field, op: 'in', value: [...loserIds] },
            limit: 1000,
            includeArchived: true,
          })
          for (const row of page.items) {
            const rowId = row['id'] as string
            const target = other.name === entity && rowId === survivorId ? null : survivorId
            if (target !== null && otherRefs.length > 0) {
              const clash = await rows.count({
                where: {
                  and: [
                    { field, op: 'eq', value: survivorId },
                    ...otherRefs.map((f) => ({
                      field: f,
                      op: 'eq' as const,
                      value: row[f] as string | null,
                    })),
                  ],
                },
                includeArchived: true,
              })
              if (clash > 0) {
                await rows.delete(rowId)
                droppedLinks++
                continue
              }
            }
            if (loserIds.includes(rowId)) continue // a loser pointing at another loser: tombstoned below
            await rows.update(rowId, { [field]: target })
            reparented[`${other.name}.${field}`] = (reparented[`${other.name}.${field}`] ?? 0) + 1
          }
        }
      }
      const merged = Object.keys(patch).length > 0 ? await service.update(survivorId, patch) : survivor
      const entityRules = rules.filter((r) => r.entity === entity)
      for (const loserId of loserIds) {
        await service.update(loserId, { mergedIntoId: survivorId })
        await service.archive(loserId)
        if (entityRules.length > 0) await syncMatchKeys(tx, entityRules, null, loserId, entity)
      }
      const sets = tx.entity<{ recordIds: string[] }>('dqDuplicateSet')
      for await (const set of sets.iterate({
        where: {
          and: [
            { field: 'entity', op: 'eq', value: entity },
            { field: 'status', op: 'eq', value: 'open' },
          ],
        },
      })) {
        if (set.recordIds.includes(survivorId) && set.recordIds.some((id) => loserIds.includes(id))) {
          await sets.update((set as unknown as { id: string }).id, { status: 'merged' })
        }
      }
      const log = await tx
        .entity('dqMerge')
        .create({ entity, survivorId, loserIds: [...loserIds], before: records, reparented, droppedLinks })
      const event: RecordMergedEvent = {
        mergeId: log['id'] as string,
        entity,
        tenantId: tx.tenantId,
        survivorId,
        loserIds: [...loserIds],
        before: records,
        after: merged,
        reparented,
        droppedLinks,
      }
      tx.emit('record.merged', event)
      const result: MergeResult = {
        survivor: merged,
        before: records,
        reparented,
        droppedLinks,
        dryRun: !!request.dryRun,
      }
      if (request.dryRun) throw new DryRunRollback(result)
      return result
    })
  try {
    return await skipDuplicateCheck(() => asMergeWrite(run))
  } catch (error) {
    if (error instanceof DryRunRollback) return error.result
    throw error
  }
}
