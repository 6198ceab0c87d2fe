import type { EntityHooks, HookContext } from '@rapport/core/plugin'
import { DuplicateError } from './duplicate-error.js'
import type { DuplicateRule } from './duplicate-rule.js'
import { findMatches } from './find-duplicates.js'
import { syncMatchKeys } from './match-key-store.js'
import { duplicateCheckSkipped } from './skip-duplicate-check.js'

async function check(
  ctx: HookContext,
  rules: readonly DuplicateRule[],
  action: 'onCreate' | 'onUpdate',
  record: Readonly<Record<string, unknown>>,
  selfId: string | undefined,
  want: 'block' | 'warn',
): Promise<void> {
  if (duplicateCheckSkipped()) return
  for (const rule of rules) {
    if (rule[action] !== want) continue
    const matches = await findMatches(ctx.crm, rule, record, selfId)
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
      after: async (record, ctx) => {
        const id = record['id'] as string
        await syncMatchKeys(ctx.crm, rules, record, id, entity)
        await check(ctx, rules, 'onCreate', record, id, 'warn')
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
      after: async (record, ctx) => {
        const id = record['id'] as string
        await syncMatchKeys(ctx.crm, rules, record, id, entity, ctx.before)
        if (ctx.changes.length > 0) await check(ctx, rules, 'onUpdate', record, id, 'warn')
      },
    },
    delete: {
      after: async (record, ctx) => {
        await syncMatchKeys(ctx.crm, rules, null, record['id'] as string, entity)
      },
    },
  }
}
