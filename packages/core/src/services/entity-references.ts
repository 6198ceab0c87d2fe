import { accessPolicies } from '../access/session-access.js'
import type { Session } from '../crm/session.js'
import type { StorageRow } from '../storage/storage-filter.js'
import type { EntityContext } from './entity-behaviour.js'
import { loadRow, loadRows } from './entity-scope.js'
import { failValidation } from './record-validation.js'

/**
 * References core keeps without a foreign key, because they point at a record of a type the row itself names
 * (`recordLink`) or at a record that may be deleted later (`deal.leadId`).
 */
const SOFT_REFERENCES: Readonly<
  Record<string, readonly { field: string; model?: string; typeField?: string }[]>
> = {
  deal: [{ field: 'leadId', model: 'lead' }],
  recordLink: [
    { field: 'sourceId', typeField: 'sourceType' },
    { field: 'targetId', typeField: 'targetType' },
  ],
}

/** The row of `model` with this id when the session's actor may read it, in the session's tenant; else `null`. */
export async function findVisibleRow(
  session: Session,
  model: string,
  id: string,
): Promise<StorageRow | null> {
  const entity = session.runtime.schema.entities.get(model)
  if (!entity) return null
  return loadRow({ session, entity, behaviour: {} }, session, id, 'read')
}

/** The ids among `ids` of rows of `model` the session's actor may read, in the session's tenant: one read. */
export async function findVisibleIds(
  session: Session,
  model: string,
  ids: readonly string[],
): Promise<Set<string>> {
  const entity = session.runtime.schema.entities.get(model)
  if (!entity || ids.length === 0) return new Set()
  return new Set((await loadRows({ session, entity, behaviour: {} }, session, ids, 'read')).keys())
}

/**
 * Refuses a record that points at a record the writer cannot read: another tenant's, a missing one, or one outside
 * the writer's read scope all get the same `VALIDATION_FAILED` ("No lead with the id …"), so the answer reveals
 * nothing. Declared references are also foreign keys (always within the tenant), so without an access policy only
 * the soft references are looked up; only changed values are checked.
 */
export async function checkReferences(
  ctx: EntityContext,
  session: Session,
  record: Readonly<Record<string, unknown>>,
  current: Readonly<Record<string, unknown>> | null,
): Promise<void> {
  for (const { field, model, value } of referencesToCheck(ctx, session, record, current)) {
    if (!(await findVisibleRow(session, model, value))) failReference(ctx, field, model, value)
  }
}

/**
 * {@link checkReferences} for the new records of one create call: one read per referenced model for the whole
 * batch, then the records are judged in order, so the first bad reference fails as it would alone.
 */
export async function checkReferencesMany(
  ctx: EntityContext,
  session: Session,
  records: readonly Readonly<Record<string, unknown>>[],
): Promise<void> {
  const perRecord = records.map((record) => referencesToCheck(ctx, session, record, null))
  const wanted = new Map<string, Set<string>>()
  for (const checks of perRecord) {
    for (const { model, value } of checks) {
      let ids = wanted.get(model)
      if (!ids) wanted.set(model, (ids = new Set()))
      ids.add(value)
    }
  }
  if (wanted.size === 0) return
  const found = new Map<string, Set<string>>()
  for (const [model, ids] of wanted) found.set(model, await findVisibleIds(session, model, [...ids]))
  for (const checks of perRecord) {
    for (const { field, model, value } of checks) {
      if (!found.get(model)?.has(value)) failReference(ctx, field, model, value)
    }
  }
}

/** The references of `record` to look up: changed string values of the fields {@link checkReferences} checks. */
function referencesToCheck(
  ctx: EntityContext,
  session: Session,
  record: Readonly<Record<string, unknown>>,
  current: Readonly<Record<string, unknown>> | null,
): { field: string; model: string; value: string }[] {
  const checks: { field: string; model: string }[] = []
  const scoped = accessPolicies(session).length > 0
  if (scoped) {
    for (const [field, def] of Object.entries(ctx.entity.model.fields)) {
      if (def.references && !(field === 'id')) checks.push({ field, model: def.references.model })
    }
  }
  for (const soft of SOFT_REFERENCES[ctx.entity.name] ?? []) {
    const model = soft.model ?? (record[soft.typeField as string] as string)
    checks.push({ field: soft.field, model })
  }
  const out: { field: string; model: string; value: string }[] = []
  for (const { field, model } of checks) {
    const value = record[field]
    if (typeof value !== 'string' || (current && current[field] === value)) continue
    out.push({ field, model, value })
  }
  return out
}

function failReference(ctx: EntityContext, field: string, model: string, value: string): never {
  failValidation(ctx.entity.name, [
    { path: [field], message: `No ${model} with the id "${value}"`, code: 'invalid_value' },
  ])
}
