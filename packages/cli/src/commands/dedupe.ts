import { parse, progressMode, targetOf } from '../args.js'
import type { CliContext } from '../context.js'
import { report } from '../context.js'
import { exitCodes, UsageError } from '../exit-codes.js'
import { createProgress } from '../progress.js'
import { openTarget } from '../target.js'

/**
 * `rapport dedupe [--entity contact] [--rebuild-keys]`: finds every duplicate with the entity's rules (streaming the
 * match-key index), stores new duplicate sets as `open`, and lists the open sets to review.
 */
export async function dedupeCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values } = parse(args, {
    entity: { type: 'string', default: 'contact' },
    'rebuild-keys': { type: 'boolean' },
    limit: { type: 'string', default: '50' },
  })
  const limit = Number(values.limit)
  if (values.tenant) {
    // The plugin's job and merge act for the CRM's default tenant (crm.plugins is not tenant-scoped).
    throw new UsageError('--tenant applies to import and export; dedupe runs in the default tenant')
  }
  const target = openTarget(targetOf(values, ctx.env))
  const progress = createProgress({
    stream: ctx.stderr,
    mode: progressMode(values),
    env: ctx.env,
    unit: 'items',
  })
  try {
    const dq = target.crm.plugins['data-quality']
    let phase = ''
    if (values['rebuild-keys']) await dq.rebuildMatchKeys(values.entity)
    const jobs = await dq.findAllDuplicates(values.entity, {
      onProgress: (p) => {
        if (p.phase !== phase) {
          phase = p.phase
          progress.start(p.total, p.phase === 'keys' ? 'match keys' : 'scoring')
        }
        progress.update(p.done)
      },
    })
    progress.stop()
    const sets = await target.services
      .entity<{
        id: string
        ruleId: string
        recordIds: string[]
        pairs: { score: number }[]
      }>('dqDuplicateSet')
      .list({
        where: {
          and: [
            { field: 'entity', op: 'eq', value: values.entity },
            { field: 'status', op: 'eq', value: 'open' },
          ],
        },
        limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, 1000) : 50,
      })
    const open = sets.items.map((s) => ({
      id: s.id,
      ruleId: s.ruleId,
      recordIds: s.recordIds,
      bestScore: Math.max(...s.pairs.map((p) => p.score)),
    }))
    report(ctx, values.json, { entity: values.entity, jobs, openSets: open, more: sets.hasMore }, [
      ...jobs.map(
        (j) =>
          `${j.ruleId}: ${j.scanned} records, ${j.candidates} candidate pairs, ${j.pairs} duplicate pairs in ${j.sets} sets (${j.created} new)`,
      ),
      ...open.map((s) => `${s.id}  ${s.bestScore.toFixed(2)}  ${s.recordIds.join(' ')}`),
      ...(sets.hasMore ? ['… more open sets (raise --limit)'] : []),
    ])
    return exitCodes.ok
  } finally {
    progress.stop()
    await target.close()
  }
}
