import type { EntityHooks, HookContext } from '@rapport/core/plugin'
import { DuplicateError } from './duplicate-error.js'
import type { DuplicateRule } from './duplicate-rule.js'
import { findMatches } from './find-duplicates.js'
import { insertMatchKeys, syncMatchKeys, syncMatchKeysMany } from './match-key-store.js'
import { duplicateCheckSkipped } from './skip-duplicate-check.js'

async function check(
  ctx: HookContext,
  rules: readonly DuplicateRule[],
  action: 'onCreate' | 'onUpdate',
  record: Readonly<Record<string, unknown>>,
  selfId: string | undefined,
  want: 'block' | 'warn',
  later?: ReadonlySet<string>,
): Promise<void> {
  if (duplicateCheckSkipped()) return
  for (const rule of rules) {
    if (rule[action] !== want) continue
    const found = await findMatches(ctx.crm, rule, record, selfId)
    // Records later in the same batch are reported by their own check, as they were when each came alone.
    const matches = later ? found.filter((m) => !later.has(m.id)) : found
    if (matches.length === 0) continue
    if (want === 'block') throw new DuplicateError(rule.entity, rule.id, matches)
    // warn: the write goes through, and the matches wait for review as an open duplicate set.
    await ctx.crm.entity('dqDuplicateSet').create({
      entity: rule.entity,
      ruleId: rule.id,
      status: 'open',
      recordIds: [selfId as string, ...matches.map((m) => m.id)].sort(),
      pairs: matches.map((m) => ({ a: selfId as string, b: m.id, score: m.score })),
    })
  }
}

/**
 * The hooks that keep an entity's match keys in step with every write (create, update, delete, all in the write's
 * transaction) and apply the rules' allow / warn / block actions on create and update.
 */
export function duplicateHooks(entity: string, rules: readonly DuplicateRule[]): EntityHooks {
  return {
    create: {
      before: async (data, ctx) => {
        await check(ctx, rules, 'onCreate', data, undefined, 'block')
        return undefined
      },
      // A batch's keys in one createMany (an import writes thousands of records per transaction), then the warn
      // checks record by record, each against the CRM and the batch's earlier records, as when each came alone.
      afterMany: async (records, ctx) => {
        await insertMatchKeys(ctx, rules, records, entity)
        if (!rules.some((r) => r.onCreate === 'warn')) return
        const later = new Set(records.map((r) => r['id'] as string))
        for (const record of records) {
          const id = record['id'] as string
          later.delete(id)
          await check(ctx, rules, 'onCreate', record, id, 'warn', later)
        }
      },
    },
    update: {
      before: async (patch, ctx) => {
        await check(
          ctx,
          rules,
          'onUpdate',
          { ...ctx.current, ...patch },
          ctx.current['id'] as string,
          'block',
        )
        return undefined
      },
      // A batch's keys with one read and one createMany (an import's updates come as one updateMany), then the warn
      // checks record by record, each against the CRM as the whole batch leaves it (one update alone: as before).
      afterMany: async (updates, ctx) => {
        await syncMatchKeysMany(ctx, rules, updates, entity)
        if (!rules.some((r) => r.onUpdate === 'warn')) return
        for (const { record } of updates)
          await check(ctx, rules, 'onUpdate', record, record['id'] as string, 'warn')
      },
    },
    delete: {
      after: async (record, ctx) => {
        await syncMatchKeys(ctx.crm, rules, null, record['id'] as string, entity)
      },
    },
  }
}
