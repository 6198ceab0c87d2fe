import { RapportError } from '../errors/rapport-error.js'

/** `NOT_FOUND` for a record that does not exist or lies outside the caller's scope (the two look the same). */
export function recordNotFound(entity: string, id: string): RapportError {
  return new RapportError('NOT_FOUND', `No ${entity} with id "${id}"`, {
    details: { entity, id },
  })
}

/** `VERSION_CONFLICT`: the record changed since the caller (or this update) read it. */
export function versionConflict(
  entity: string,
  id: string,
  expectedVersion: number,
  actualVersion?: number,
): RapportError {
  return new RapportError(
    'VERSION_CONFLICT',
    `The ${entity} "${id}" was changed by someone else (expected version ${expectedVersion}${actualVersion === undefined ? '' : `, found ${actualVersion}`})`,
    {
      details: {
        entity,
        id,
        expectedVersion,
        ...(actualVersion === undefined ? {} : { actualVersion }),
      },
    },
  )
}

/** `HOOK_REJECTED`: a plugin's `before` hook returned `false`. */
export function hookRejected(entity: string, operation: string): RapportError {
  return new RapportError('HOOK_REJECTED', `A plugin hook rejected the ${operation} of this ${entity}`, {
    details: { entity, operation },
  })
}
