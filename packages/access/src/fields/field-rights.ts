import type { FieldRights } from '@rapport/core/access'
import type { AccessPolicyModel } from '../policy/define-access-policy.js'
import type { MaskKind } from './masks.js'
import { maskerOf } from './masks.js'

/** How visible a field is under one role: the most permissive role wins. */
const CLEAR = 2
const MASKED = 1
const HIDDEN = 0

/**
 * Columns core derives from a field for indexed lookups (`primaryEmail`, `emailAddresses`, `phoneNumbers`): they
 * carry the same values, so they get the same rights as their source field.
 */
const DERIVED: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  contact: { emails: ['primaryEmail', 'emailAddresses'], phones: ['phoneNumbers'] },
}

/**
 * The field rights of an actor with several roles on one entity. Roles merge by union, the most permissive wins: a
 * field is hidden only when every role hides it, masked only when no role shows it in clear, read-only only when no
 * role may edit it. A field a role does not mention is readable and editable under that role; a masked or hidden
 * field is not editable unless the role says `edit: true`.
 *
 * @internal
 */
export function fieldRightsOf(
  model: AccessPolicyModel,
  roles: readonly string[],
  entity: string,
): FieldRights | null {
  const mentioned = new Set<string>()
  for (const role of roles) {
    for (const field of Object.keys(model.definition.roles[role]?.fields?.[entity] ?? {}))
      mentioned.add(field)
  }
  if (mentioned.size === 0 || roles.length === 0) return null
  const hidden = new Set<string>()
  const masked = new Map<string, (value: unknown) => unknown>()
  const readOnly = new Set<string>()
  for (const field of mentioned) {
    let visibility = HIDDEN
    let mask: MaskKind = 'full'
    let editable = false
    for (const role of roles) {
      const rule = model.definition.roles[role]?.fields?.[entity]?.[field]
      if (!rule) {
        visibility = CLEAR
        editable = true
        continue
      }
      const v = rule.read === false ? HIDDEN : rule.mask ? MASKED : CLEAR
      if (v === MASKED && visibility <= MASKED) mask = rule.mask as MaskKind
      visibility = Math.max(visibility, v)
      if (rule.edit ?? v === CLEAR) editable = true
    }
    for (const name of [field, ...(DERIVED[entity]?.[field] ?? [])]) {
      if (visibility === HIDDEN) hidden.add(name)
      else if (visibility === MASKED) masked.set(name, maskerOf(mask))
    }
    if (!editable) readOnly.add(field)
  }
  return { hidden, masked, readOnly }
}
