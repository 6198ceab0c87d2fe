import type { SurvivorshipPolicy } from '@rapport/data-quality'
import { jsonOption, parse, targetOf } from '../args.js'
import type { CliContext } from '../context.js'
import { report } from '../context.js'
import { exitCodes, UsageError } from '../exit-codes.js'
import { openTarget } from '../target.js'

/**
 * `rapport merge --survivor <id> --loser <id> [--loser <id>…]` or `rapport merge --set <duplicate set id>` (the
 * set's oldest record survives unless `--survivor` says otherwise): merges in one transaction, with `--policy
 * '{"title":"mostRecent"}'` per field and `--dry-run` to see the result without writing.
 */
export async function mergeCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values } = parse(args, {
    entity: { type: 'string', default: 'contact' },
    survivor: { type: 'string' },
    loser: { type: 'string', multiple: true },
    set: { type: 'string' },
    policy: { type: 'string' },
    'dry-run': { type: 'boolean' },
  })
  if (!values.set && (!values.survivor || !values.loser?.length)) {
    throw new UsageError('Say what to merge: --survivor <id> --loser <id> [--loser <id>…], or --set <id>')
  }
  const policy = values.policy
    ? (jsonOption('policy', values.policy) as Record<string, SurvivorshipPolicy>)
    : undefined
  if (values.tenant) {
    // The plugin's job and merge act for the CRM's default tenant (crm.plugins is not tenant-scoped).
    throw new UsageError('--tenant applies to import and export; merge runs in the default tenant')
  }
  const target = openTarget(targetOf(values, ctx.env))
  try {
    let entity = values.entity
    let survivorId = values.survivor
    let loserIds = values.loser ?? []
    if (values.set) {
      const set = await target.services
        .entity<{ entity: string; recordIds: string[] }>('dqDuplicateSet')
        .get(values.set)
      entity = set.entity
      const ids = [...set.recordIds].sort()
      survivorId = survivorId ?? (ids[0] as string)
      loserIds = ids.filter((id) => id !== survivorId)
    }
    const result = await target.crm.plugins['data-quality'].merge({
      entity,
      survivorId: survivorId as string,
      loserIds,
      ...(policy ? { policy } : {}),
      dryRun: values['dry-run'] ?? false,
    })
    report(ctx, values.json, result, [
      `${result.dryRun ? 'Would merge' : 'Merged'} ${loserIds.join(', ')} into ${survivorId}.`,
      ...Object.entries(result.reparented).map(([k, n]) => `  re-parented ${k}: ${n}`),
      ...(result.droppedLinks ? [`  dropped ${result.droppedLinks} duplicate link(s)`] : []),
    ])
    return exitCodes.ok
  } finally {
    await target.close()
  }
}
