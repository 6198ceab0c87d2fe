import type { CrmServices } from '@rapport/core'
import { isRapportError, RapportError } from '@rapport/core'
import type {
  RuleIssue,
  ValidationOperation,
  ValidationRule,
  ValidationRuleInput,
} from './validation-rule.js'
import { validationRuleSchema } from './validation-rule.js'

type Row = Readonly<Record<string, unknown>>

/**
 * Parses rules given as data (config or JSON), every problem at once.
 *
 * @throws `RapportError('VALIDATION_FAILED')` with zod-shaped `issues` (paths start with the rule's index).
 */
export function parseValidationRules(rules: readonly unknown[]): ValidationRule[] {
  const issues: { path: (string | number)[]; message: string; code: string }[] = []
  const out: ValidationRule[] = []
  for (const [i, rule] of rules.entries()) {
    const parsed = validationRuleSchema.safeParse(rule)
    if (parsed.success) out.push(parsed.data)
    else {
      for (const x of parsed.error.issues) {
        issues.push({
          path: [i, ...x.path.map((p) => (typeof p === 'number' ? p : String(p)))],
          message: x.message,
          code: x.code,
        })
      }
    }
  }
  if (issues.length > 0) {
    throw new RapportError('VALIDATION_FAILED', `Invalid validation rule: ${issues[0]?.message}`, {
      details: { entity: 'validationRule', issues },
    })
  }
  return out
}

/** A rule's filters compiled against its entity for one check. */
interface CompiledRule {
  readonly rule: ValidationRule
  readonly when: ((record: Row) => boolean) | null
  readonly test: (record: Row) => boolean
}

/**
 * Compiles a rule's filters with core's filter compiler (`crm.entity(rule.entity).matcher`), so a rule means exactly
 * what the same filter means in `list`. A filter naming an unknown field, or otherwise invalid, is reported as an
 * issue at the rule's path (`when`, `assert` or `errorWhen`).
 */
async function compileRule(
  crm: CrmServices,
  rule: ValidationRule,
  path: readonly (string | number)[],
  issues: { path: (string | number)[]; message: string; code: string }[],
): Promise<CompiledRule | null> {
  const service = crm.entity<Row>(rule.entity)
  const compile = async (key: 'when' | 'assert' | 'errorWhen') => {
    const filter = rule[key]
    if (filter === undefined) return null
    try {
      return await service.matcher(filter)
    } catch (error) {
      if (!isRapportError(error, 'INVALID_FILTER')) throw error
      const at =
        typeof error.details['path'] === 'string' && error.details['path'] ? [error.details['path']] : []
      issues.push({ path: [...path, key, ...at], message: error.message, code: 'invalid_filter' })
      return null
    }
  }
  const when = await compile('when')
  const assert = await compile('assert')
  const errorWhen = await compile('errorWhen')
  if (assert) return { rule, when, test: assert }
  if (errorWhen) return { rule, when, test: (r) => !errorWhen(r) }
  return null
}

/**
 * Checks that every rule compiles against its entity (known entity, known fields, valid values) for `crm`'s
 * tenant; rules are checked this way when configured and when stored.
 *
 * @throws `RapportError('VALIDATION_FAILED')` listing every problem.
 */
export async function checkValidationRules(
  crm: CrmServices,
  rules: readonly ValidationRule[],
): Promise<void> {
  const issues: { path: (string | number)[]; message: string; code: string }[] = []
  for (const [i, rule] of rules.entries()) {
    try {
      crm.entity(rule.entity)
    } catch {
      issues.push({ path: [i, 'entity'], message: `Unknown entity "${rule.entity}"`, code: 'invalid_value' })
      continue
    }
    await compileRule(crm, rule, [i], issues)
  }
  if (issues.length > 0) {
    throw new RapportError('VALIDATION_FAILED', `Invalid validation rule: ${issues[0]?.message}`, {
      details: { entity: 'validationRule', issues },
    })
  }
}

/**
 * Checks a record against validation rules: the rules of `entity` whose `on` includes `operation` and that are
 * active; each one whose `when` holds and whose `assert` fails (or `errorWhen` holds) gives one issue. Every issue
 * is returned at once, errors and warnings (`params.severity`), in zod's issue shape. Nothing is written.
 *
 * This is the function `@rapport/io` calls for import rows (`operation: 'import'`); writes through the services
 * are checked by the plugin's hooks. `record` is the full record as it would be stored (for an update, the current
 * record with the patch applied).
 *
 * @param crm - Services of the tenant the record belongs to (custom fields and placeholders resolve for it).
 * @throws `RapportError('VALIDATION_FAILED')` when a rule itself is invalid for the entity (e.g. an unknown field).
 *
 * @example
 * ```ts
 * import { validateRecord } from '@rapport/data-quality'
 *
 * const issues = await validateRecord(crm, rules, 'deal', { ...deal, status: 'won', amount: null }, 'update')
 * // [{ code: 'custom', path: ['amount'], message: 'Won deals need an amount', params: { ruleId: 'won-amount', severity: 'error' } }]
 * ```
 */
export async function validateRecord(
  crm: CrmServices,
  rules: readonly (ValidationRule | ValidationRuleInput)[],
  entity: string,
  record: object,
  operation: ValidationOperation,
): Promise<RuleIssue[]> {
  const [issues] = await validateRecords(crm, rules, entity, [record], operation)
  return issues ?? []
}

/**
 * {@link validateRecord} for many records of one entity: the rules are parsed and their filters compiled once, then
 * each record is checked; the issues of `records[i]` are at index `i`. This is what a batch (an import's, a
 * `createMany`'s) runs.
 *
 * @throws `RapportError('VALIDATION_FAILED')` when a rule itself is invalid for the entity.
 *
 * @example
 * ```ts
 * const [first, second] = await validateRecords(crm, rules, 'contact', [ada, bo], 'import')
 * ```
 */
export async function validateRecords(
  crm: CrmServices,
  rules: readonly (ValidationRule | ValidationRuleInput)[],
  entity: string,
  records: readonly object[],
  operation: ValidationOperation,
): Promise<RuleIssue[][]> {
  const applicable = parseValidationRules(rules).filter(
    (r) => r.entity === entity && r.active && r.on.includes(operation),
  )
  if (applicable.length === 0) return records.map(() => [])
  const problems: { path: (string | number)[]; message: string; code: string }[] = []
  const compiled: CompiledRule[] = []
  for (const [i, rule] of applicable.entries()) {
    const c = await compileRule(crm, rule, [i], problems)
    if (c) compiled.push(c)
  }
  if (problems.length > 0) {
    throw new RapportError('VALIDATION_FAILED', `Invalid validation rule: ${problems[0]?.message}`, {
      details: { entity: 'validationRule', issues: problems },
    })
  }
  return records.map((record) => {
    const row = record as Row
    const out: RuleIssue[] = []
    for (const { rule, when, test } of compiled) {
      if (when && !when(row)) continue
      if (test(row)) continue
      out.push({
        code: 'custom',
        path: rule.field ? rule.field.split('.') : [],
        message: rule.message,
        params: { ruleId: rule.id, severity: rule.severity },
      })
    }
    return out
  })
}

/**
 * Throws when `issues` hold an error: `RapportError('VALIDATION_FAILED')` with every issue (errors and warnings) in
 * `details.issues`, as core reports schema issues. Warnings alone pass.
 */
export function assertNoRuleErrors(entity: string, issues: readonly RuleIssue[]): void {
  const errors = issues.filter((i) => i.params.severity === 'error')
  if (errors.length === 0) return
  const first = errors[0] as RuleIssue
  throw new RapportError(
    'VALIDATION_FAILED',
    `Invalid ${entity}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
    { details: { entity, issues } },
  )
}
