import { RapportError } from '@rapport/core'

/** Why a policy definition was refused. */
export type PolicyErrorReason =
  | 'malformed'
  | 'unknownRole'
  | 'unknownTeam'
  | 'teamCycle'
  | 'unknownEntity'
  | 'unknownField'
  | 'invalidCondition'

/**
 * The typed error of a broken policy (`ACCESS_INVALID_POLICY`): raised when the policy is defined or, for checks
 * that need the CRM's schema (entities, fields), when the CRM starts. Nothing runs with a broken policy.
 *
 * @internal
 */
export function invalidPolicy(
  reason: PolicyErrorReason,
  message: string,
  details: Record<string, unknown> = {},
): RapportError {
  return new RapportError('ACCESS_INVALID_POLICY', `Invalid access policy: ${message}`, {
    details: { reason, ...details },
  })
}
