import * as z from 'zod'

/** How one part of a match key is derived from a field value. */
export const keyTransforms = [
  'fold',
  'email',
  'phone',
  'phoneBlock',
  'companyName',
  'domain',
  'companyDomain',
  'metaphone',
  'digits',
] as const

/** How two field values are compared. */
export const comparisonMethods = [
  'exact',
  'jaroWinkler',
  'levenshtein',
  'oneEdit',
  'phonetic',
  'email',
  'phone',
  'companyName',
  'domain',
] as const

/** What a write does when it matches existing records. */
export const duplicateActions = ['allow', 'warn', 'block'] as const

const fieldPath = z
  .string()
  .regex(
    /^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)*$/,
    'Expected a dotted field path such as "address.city"',
  )

/** One part of a match key: a field, its transform and an optional slice of the result (Salesforce `Field(1,3)`). */
export const keyPartSchema = z
  .object({
    field: fieldPath,
    transform: z.enum(keyTransforms),
    /** Characters to keep from the start of the transformed value (e.g. 1 for an initial). */
    length: z.int().min(1).max(100).optional(),
  })
  .strict()

/** A blocking key: records sharing a key value become candidates. Persisted per record and looked up by index. */
export const matchKeySchema = z
  .object({
    name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/),
    parts: z.array(keyPartSchema).min(1).max(4),
    /** Key values shorter than this are ignored (too common to mean anything). */
    minLength: z.int().min(1).max(50).default(3),
    /** A shared value of this key alone makes two records duplicates (score 1), e.g. a normalised e-mail. */
    sure: z.boolean().default(false),
  })
  .strict()

/** One field compared between a record and a candidate; fields blank on either side are left out of the score. */
export const fieldComparisonSchema = z
  .object({
    field: fieldPath,
    method: z.enum(comparisonMethods),
    weight: z.number().positive().max(100),
  })
  .strict()

/**
 * A duplicate rule, as data: blocking keys, weighted field comparisons, a threshold and what create and update do
 * on a match. The score of a pair is the weighted mean of the similarities (0–1) of the fields both records have.
 */
export const duplicateRuleSchema = z
  .object({
    id: z.string().regex(/^[a-zA-Z][a-zA-Z0-9._-]{0,79}$/),
    entity: z.string().min(1).max(100),
    keys: z.array(matchKeySchema).min(1).max(12),
    comparisons: z.array(fieldComparisonSchema).min(1).max(30),
    /** Pairs scoring at least this are duplicates. */
    threshold: z.number().min(0).max(1),
    /**
     * Pairs whose agreeing fields (similarity ≥ 0.8) weigh less than this in total are not duplicates: too little
     * evidence, e.g. the same name and nothing else.
     */
    minWeight: z.number().min(0).default(0),
    /** A key value shared by more records than this is ignored for lookups (Odoo's guard). */
    maxBlockSize: z.int().min(1).max(10_000).default(20),
    /** At most this many matches are reported per record, best first. */
    maxMatches: z.int().min(1).max(100).default(5),
    onCreate: z.enum(duplicateActions).default('warn'),
    onUpdate: z.enum(duplicateActions).default('allow'),
  })
  .strict()

/** A duplicate rule as written by a host (defaults optional). */
export type DuplicateRuleInput = z.input<typeof duplicateRuleSchema>
/** A duplicate rule with its defaults applied. */
export type DuplicateRule = z.output<typeof duplicateRuleSchema>
/** One blocking key of a rule. */
export type MatchKeyDefinition = z.output<typeof matchKeySchema>
/** One weighted field comparison of a rule. */
export type FieldComparison = z.output<typeof fieldComparisonSchema>
