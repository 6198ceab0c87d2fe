import { RapportError } from '@rapport/core'
import type { Filter } from '@rapport/core/filter'
import type { EntityHooks, HookContext } from '@rapport/core/plugin'
import type { AccessPolicyModel } from '../policy/define-access-policy.js'
import { shareGrantEntity } from './share-grant-entity.js'
import type { TenantGrants } from './tenant-grants.js'

/**
 * The hooks of `shareGrant`: a grant must name an entity of the CRM that carries its own scope (not the grant entity,
 * not an entity whose rows inherit their parents' visibility) and, for a team, a team of the policy; otherwise
 * `ACCESS_INVALID_GRANT` and nothing is written. Every write drops the tenant's loaded grants, so the rest of the
 * transaction and, after the commit, every query see the change.
 *
 * @internal
 */
export function shareGrantHooks(
  model: AccessPolicyModel,
  inherit: Readonly<Record<string, Filter>>,
  stored: TenantGrants,
): EntityHooks {
  const check = (grant: Record<string, unknown>) => {
    const entity = grant['entity'] as string
    if (entity === shareGrantEntity.name || inherit[entity] || !stored.knows(entity)) {
      throw new RapportError('ACCESS_INVALID_GRANT', `A grant cannot share records of "${entity}"`, {
        details: { reason: 'unknownEntity', entity },
      })
    }
    if (grant['principalType'] === 'team' && !model.teams.has(grant['principalId'] as string)) {
      throw new RapportError(
        'ACCESS_INVALID_GRANT',
        `A grant names the team "${grant['principalId']}", which is not defined`,
        {
          details: { reason: 'unknownTeam', team: grant['principalId'] },
        },
      )
    }
  }
  const invalidate = (_: unknown, ctx: HookContext) => stored.invalidate(ctx.tenantId)
  return {
    create: {
      before: (data) => {
        check(data)
        return undefined
      },
      after: invalidate,
    },
    update: {
      before: (patch, ctx) => {
        check({ ...ctx.current, ...patch })
        return undefined
      },
      after: invalidate,
    },
    delete: { after: invalidate },
  }
}
