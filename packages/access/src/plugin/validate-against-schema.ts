import type { Filter } from '@rapport/core/filter'
import type { StorageSchema } from '@rapport/core/storage'
import type { AccessPolicyModel } from '../policy/define-access-policy.js'
import { invalidPolicy } from '../policy/policy-error.js'

/**
 * Checks a policy against the CRM's schema when the CRM starts (plugin `init`, before the first operation and in
 * `crm.migrate()`): every entity a role, restriction, grant or inheritance names must exist, and every field a rule
 * or a mask names must be a field of that entity.
 *
 * @internal
 */
export function validateAgainstSchema(
  model: AccessPolicyModel,
  schema: StorageSchema,
  inherit: Readonly<Record<string, Filter>>,
): void {
  const entity = (name: string, at: string) => {
    const found = schema.models[name]
    if (!found)
      throw invalidPolicy('unknownEntity', `${at} names the entity "${name}", which does not exist`, {
        entity: name,
        at,
      })
    return found
  }
  const field = (entityName: string, path: string, at: string) => {
    const model = entity(entityName, at)
    const [head] = path.split('.') as [string]
    const columns = Object.keys(model.fields)
    const known =
      head === 'id' ||
      columns.includes(head) ||
      columns.some((c) => c.startsWith(head) && /^[A-Z]/.test(c.slice(head.length))) ||
      (head === 'custom' && columns.includes('custom'))
    if (!known) {
      throw invalidPolicy(
        'unknownField',
        `${at} names the field "${path}", which ${entityName} does not have`,
        {
          entity: entityName,
          field: path,
          at,
        },
      )
    }
  }
  const conditionFields = (entityName: string, condition: unknown, at: string): void => {
    if (!condition || typeof condition !== 'object') return
    for (const [key, value] of Object.entries(condition)) {
      if (key === '$and' || key === '$or')
        for (const c of value as unknown[]) conditionFields(entityName, c, at)
      else field(entityName, key, at)
    }
  }
  const def = model.definition
  for (const [roleName, role] of Object.entries(def.roles)) {
    for (const [name, actions] of Object.entries(role.entities)) {
      if (name !== '*') entity(name, `roles.${roleName}.entities`)
      for (const [action, rule] of Object.entries(actions)) {
        if (rule && typeof rule === 'object' && rule.where && name !== '*') {
          conditionFields(name, rule.where, `roles.${roleName}.entities.${name}.${action}.where`)
        }
      }
      if (name !== '*' && !inherit[name]) {
        const owner = def.ownerFields[name] ?? 'ownerId'
        const usesOwner = Object.values(actions).some((rule) => {
          const level = typeof rule === 'string' ? rule : rule?.level
          return level !== undefined && level !== 'all' && level !== 'none'
        })
        if (usesOwner) field(name, owner, `roles.${roleName}.entities.${name} (owner field)`)
      }
    }
    for (const [name, fields] of Object.entries(role.fields ?? {})) {
      for (const path of Object.keys(fields)) field(name, path, `roles.${roleName}.fields.${name}`)
    }
  }
  for (const [i, r] of def.restrictions.entries()) {
    if (r.entity !== '*') conditionFields(r.entity, r.when, `restrictions[${i}].when`)
  }
  for (const [i, g] of model.grants().entries()) entity(g.entity, `grants[${i}]`)
  for (const name of Object.keys(def.inherit ?? {})) entity(name, `inherit.${name}`)
}
