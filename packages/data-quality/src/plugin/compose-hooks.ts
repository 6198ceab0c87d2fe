import type { EntityHooks } from '@rapport/core/plugin'

type Phase = 'create' | 'update' | 'delete'

/**
 * Combines hooks of one entity: `normalize` in order, `before` hooks in order (the first `false` or replacement
 * wins, as core does across plugins), `after` hooks in order, `afterMany` (create and update) hooks in order; core
 * runs every `after` of a batch before any `afterMany`, across plugins as here.
 */
export function composeHooks(...list: readonly (EntityHooks | undefined)[]): EntityHooks {
  const hooks = list.filter((h): h is EntityHooks => h !== undefined)
  const out: Record<string, unknown> = {}
  const normalizers = hooks.flatMap((h) => (h.normalize ? [h.normalize] : []))
  if (normalizers.length > 0) {
    out['normalize'] = (
      input: Record<string, unknown>,
      ctx: Parameters<NonNullable<EntityHooks['normalize']>>[1],
    ) => {
      let current = input
      for (const n of normalizers) current = n(current, ctx) ?? current
      return current
    }
  }
  for (const phase of ['create', 'update', 'delete'] as const satisfies readonly Phase[]) {
    const befores = hooks.flatMap((h) => (h[phase]?.before ? [h[phase].before] : [])) as ((
      data: never,
      ctx: never,
    ) => Promise<unknown>)[]
    const afters = hooks.flatMap((h) => (h[phase]?.after ? [h[phase].after] : [])) as ((
      data: never,
      ctx: never,
    ) => Promise<void>)[]
    const afterManys = (
      phase === 'delete' ? [] : hooks.flatMap((h) => (h[phase]?.afterMany ? [h[phase].afterMany] : []))
    ) as ((batch: never, ctx: never) => Promise<void>)[]
    if (befores.length === 0 && afters.length === 0 && afterManys.length === 0) continue
    out[phase] = {
      ...(afterManys.length > 0
        ? {
            afterMany: async (batch: never, ctx: never) => {
              for (const a of afterManys) await a(batch, ctx)
            },
          }
        : {}),
      ...(befores.length > 0
        ? {
            before: async (data: never, ctx: never) => {
              for (const b of befores) {
                const outcome = await b(data, ctx)
                if (outcome !== undefined) return outcome
              }
              return undefined
            },
          }
        : {}),
      ...(afters.length > 0
        ? {
            after: async (record: never, ctx: never) => {
              for (const a of afters) await a(record, ctx)
            },
          }
        : {}),
    }
  }
  return out as EntityHooks
}
