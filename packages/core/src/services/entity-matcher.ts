import { RapportError } from '../errors/rapport-error.js'
import type { Filter } from '../filter/filter-types.js'
import { compileStorageFilter } from '../storage/evaluate-storage-filter.js'
import type { EntityContext } from './entity-behaviour.js'
import { compileFor, hasExists } from './entity-scope.js'

/**
 * Compiles `where` against the entity's fields (the session tenant's custom fields included) into a synchronous
 * test of domain records: the record is turned into its storage row and checked with core's reference evaluator,
 * the semantics every storage adapter is tested against. Placeholders (`now`, `$ago`, `actor.id`) are bound once,
 * now. `exists` and `count` are refused (`INVALID_FILTER`): related records are not in memory.
 */
export async function compileMatcher(
  ctx: EntityContext,
  where: unknown,
): Promise<(record: Readonly<Record<string, unknown>>) => boolean> {
  const session = ctx.session
  const compiled = await session.read(() => compileFor(ctx, session, where as Filter))
  if (hasExists(compiled)) {
    throw new RapportError(
      'INVALID_FILTER',
      'A record matcher cannot use "exists" or "count": related records are not in memory',
      {
        details: {
          path: '',
          reason: '"exists" and "count" are not supported when testing a record in memory',
        },
      },
    )
  }
  const predicate = compileStorageFilter(compiled, { related: () => [] })
  return (record) => predicate(ctx.entity.toRow(record))
}
