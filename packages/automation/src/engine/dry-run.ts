import type { ConditionTrace, RecordSnapshot } from '../conditions/condition-types.js'
import type { CompiledRule } from '../rules/compile-rule.js'
import { renderTemplate } from './render-template.js'

/** A step a dry run would execute. */
export interface PlannedStep {
  /** Where the action sits in the rule, e.g. `actions[1].do[0]`. */
  readonly path: string
  /** The action type (or `delay`). */
  readonly type: string
  /** The action with its templates rendered for this record. */
  readonly action: Readonly<Record<string, unknown>>
}

/** The result of {@link AutomationEngine.test}: what would happen, and why. */
export interface DryRunResult {
  readonly ruleId: string
  /** Whether the record would enroll. */
  readonly matched: boolean
  /** Every condition node with its result; `null` when the rule has no conditions. */
  readonly conditions: ConditionTrace | null
  /** With `entry: 'edge'`: whether the conditions already held before the change (then it would not fire). */
  readonly heldBefore: boolean | null
  /** The actions that would run, following branches as they evaluate now; empty when not matched. */
  readonly actions: readonly PlannedStep[]
}

/**
 * Evaluates a compiled rule on a record without writing anything: the condition trace, edge entry, and the program
 * walked with branches decided as they evaluate now.
 */
export function dryRun(
  rule: CompiledRule,
  record: Readonly<Record<string, unknown>>,
  before: Readonly<Record<string, unknown>> | null,
  now: Date,
): DryRunResult {
  const snapshot: RecordSnapshot = { record, before, now }
  const trace = rule.conditions ? rule.conditions.trace(snapshot) : null
  const heldBefore =
    rule.options.entry === 'edge' && rule.conditions && before
      ? rule.conditions.test({ record: before, before, now })
      : null
  const matched = (trace ? trace.result : true) && heldBefore !== true
  const actions: PlannedStep[] = []
  if (matched) {
    let pc = 0
    while (pc < rule.program.length) {
      const ins = rule.program[pc]!
      if (ins.kind === 'jump') pc = ins.target
      else if (ins.kind === 'branch')
        pc = ins.condition.test({ record, before: null, now }) ? pc + 1 : ins.elseTarget
      else {
        const action = ins.kind === 'delay' ? { type: 'delay', duration: ins.duration } : ins.action
        const rendered = Object.fromEntries(
          Object.entries(action).map(([k, v]) => [k, typeof v === 'string' ? renderTemplate(v, record) : v]),
        )
        actions.push({ path: ins.path, type: action.type, action: rendered })
        pc++
      }
    }
  }
  return { ruleId: rule.rule.id, matched, conditions: trace, heldBefore, actions }
}
