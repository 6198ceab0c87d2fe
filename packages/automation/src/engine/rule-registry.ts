import { RapportError } from '@rapport/core'
import type { CompiledRule } from '../rules/compile-rule.js'
import { compileRule } from '../rules/compile-rule.js'
import type { AutomationRule } from '../rules/rule-types.js'
import type { EngineState } from './engine-state.js'

/** Validates and compiles a rule against the CRM's schema (automation's own entities are not rule targets). */
export function compileForEngine(state: EngineState, rule: unknown): CompiledRule {
  const rt = state.rt
  return compileRule(rule, {
    catalogOf: rt.catalogOf,
    functions: new Set(rt.functions.keys()),
    secrets: new Set(rt.secrets.keys()),
    watched: rt.watched,
  })
}

/** Rebuilds the `entity:event` index of record-triggered rules. */
function reindex(state: EngineState): void {
  state.index.clear()
  for (const rule of state.rt.rules.values()) {
    if (rule.rule.trigger.type !== 'record') continue
    for (const event of rule.rule.trigger.events) {
      const key = `${rule.rule.entity}:${event}`
      state.index.set(key, [...(state.index.get(key) ?? []), rule])
    }
  }
}

/** Compiles and registers a rule; `AUTOMATION_DUPLICATE_RULE` when its id is taken. */
export function registerRule(state: EngineState, rule: AutomationRule): void {
  const rt = state.rt
  const compiled = compileForEngine(state, rule)
  if (rt.rules.has(compiled.rule.id)) {
    throw new RapportError(
      'AUTOMATION_DUPLICATE_RULE',
      `A rule "${compiled.rule.id}" is already registered`,
      {
        details: { ruleId: compiled.rule.id },
      },
    )
  }
  rt.rules.set(compiled.rule.id, compiled)
  rt.registeredAt.set(compiled.rule.id, rt.clock())
  reindex(state)
}

/** Removes a registered rule; `AUTOMATION_UNKNOWN_RULE` when there is none. */
export function unregisterRule(state: EngineState, ruleId: string): void {
  ruleOf(state, ruleId)
  state.rt.rules.delete(ruleId)
  reindex(state)
}

/** The registered rule with this id; `AUTOMATION_UNKNOWN_RULE` when there is none. */
export function ruleOf(state: EngineState, id: string): CompiledRule {
  const rule = state.rt.rules.get(id)
  if (!rule) {
    throw new RapportError('AUTOMATION_UNKNOWN_RULE', `No rule "${id}" is registered`, {
      details: { ruleId: id },
    })
  }
  return rule
}
