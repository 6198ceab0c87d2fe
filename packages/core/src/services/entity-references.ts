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
  for (const { field, model } of checks) {
    const value = record[field]
    if (typeof value !== 'string' || (current && current[field] === value)) continue
    if (!(await findVisibleRow(session, model, value))) {
      failValidation(ctx.entity.name, [
        { path: [field], message: `No ${model} with the id "${value}"`, code: 'invalid_value' },
      ])
    }
  }
}
