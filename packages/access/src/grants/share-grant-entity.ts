import type { EntityRecord } from '@rapport/core/entities'
import { defineEntity } from '@rapport/core/entities'
import * as z from 'zod'
import type { ShareGrant } from '../policy/policy-schema.js'

const id = z.string().min(1).max(100)

/**
 * A share grant stored per tenant (`crm.entity('shareGrant')`): one record of `entity` shared with a user or a team,
 * at `read` or `edit` level, with the reason it exists (`manual` by a person, `rule` by automation, `team` by a
 * team-sharing setting). Written like any record, so the access policy decides who may share (give a role
 * `shareGrant` rights), audit records who shared, and every adapter stores it. The access plugin loads a tenant's
 * grants once and reloads them after any change to them.
 *
 * @example
 * ```ts
 * await crm.scoped({ actor: { id: 'usr_ada' } }).entity('shareGrant').create({
 *   entity: 'contact', recordId: contact.id, principalType: 'user', principalId: 'usr_sam', level: 'read', reason: 'manual',
 * })
 * ```
 */
export const shareGrantEntity = defineEntity({
  name: 'shareGrant',
  idPrefix: 'shg',
  shape: {
    entity: id,
    recordId: id,
    principalType: z.enum(['user', 'team']),
    principalId: id,
    level: z.enum(['read', 'edit']),
    reason: z.enum(['manual', 'rule', 'team']),
    note: z.string().max(500).nullable().optional(),
  },
  indexes: [{ name: 'by_entity', fields: ['entity', 'principalType', 'principalId'] }],
})

/** A share grant as stored. */
export type StoredShareGrant = EntityRecord<typeof shareGrantEntity>

/** A stored grant in the shape of the policy's grants. @internal */
export function toShareGrant(row: Readonly<Record<string, unknown>>): ShareGrant {
  return {
    entity: row['entity'] as string,
    recordId: row['recordId'] as string,
    principal: { type: row['principalType'] as 'user' | 'team', id: row['principalId'] as string },
    level: row['level'] as 'read' | 'edit',
    reason: row['reason'] as ShareGrant['reason'],
    ...(typeof row['note'] === 'string' ? { note: row['note'] } : {}),
  }
}
