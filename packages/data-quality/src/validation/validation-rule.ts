import * as z from 'zod'

/** The writes a validation rule can apply to. `import` rows are checked by `@rapport/io` through `validateRecord`. */
export const validationOperations = ['create', 'update', 'import', 'merge'] as const

/** One of {@link validationOperations}. */
export type ValidationOperation = (typeof validationOperations)[number]

/** `error` refuses the write (`VALIDATION_FAILED`); `warning` is reported and the write goes through. */
export const validationSeverities = ['error', 'warning'] as const

/** A filter in core's language, as JSON (compiled by core when the rule is checked). */
export const ruleFilterSchema = z.record(z.string(), z.unknown())

/** A rule's stable id: letters, digits and `_ . : -`, at most 100. */
export const ruleIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'Use letters, digits and _ . : -')

/** The writes a rule applies to (default: all of them). */
export const ruleOperationsSchema = z
  .array(z.enum(validationOperations))
  .min(1)
  .max(validationOperations.length)
  .default([...validationOperations])

/**
 * A validation rule, as data (Salesforce's validation rules, in Rapport's filter language): on the writes listed in
 * `on`, a record matching `when` (every record when absent) must match `assert`, or must not match `errorWhen`.
 * Filters are core's public filter language, compiled by core (`EntityService.matcher`): any field, custom fields,
 * `and`/`or`/`not`, placeholders such as `{ $var: 'now' }`; `exists` is not available (records are checked in memory).
 */
export const validationRuleSchema = z
  .object({
    /** A stable id, reported with each issue (`params.ruleId`). */
    id: ruleIdSchema,
    /** The entity the rule checks, e.g. `deal`. */
    entity: z.string().min(1).max(100),
    /** The writes it applies to (default: all of them). */
    on: ruleOperationsSchema,
    /** The rule applies only to records matching this filter. */
    when: ruleFilterSchema.optional(),
    /** Records the rule applies to must match this filter. */
    assert: ruleFilterSchema.optional(),
    /** Records the rule applies to must not match this filter (the inverse form of `assert`). */
    errorWhen: ruleFilterSchema.optional(),
    /** The field the issue is reported on (its `path`); the record as a whole when absent. */
    field: z.string().min(1).max(200).optional(),
    /** The message of the issue. */
    message: z.string().min(1).max(500),
    severity: z.enum(validationSeverities).default('error'),
    /** Inactive rules are kept but not applied. */
    active: z.boolean().default(true),
  })
  .strict()
  .refine((r) => (r.assert === undefined) !== (r.errorWhen === undefined), {
    message: 'Give exactly one of "assert" and "errorWhen"',
    path: ['assert'],
  })

/** A validation rule with its defaults applied. */
export type ValidationRule = z.output<typeof validationRuleSchema>

/** A validation rule as written by hand or stored (defaults optional). */
export type ValidationRuleInput = z.input<typeof validationRuleSchema>

/**
 * One problem a rule found, in zod's issue shape (`{ code, path, message }`), so schema issues and rule issues can be
 * shown in one list (and grouped with `z.flattenError`-style code).
 */
export interface RuleIssue {
  readonly code: 'custom'
  readonly path: readonly (string | number)[]
  readonly message: string
  readonly params: { readonly ruleId: string; readonly severity: 'error' | 'warning' }
}
