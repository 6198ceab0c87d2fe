import { RapportError } from '@rapport/core'

/** The error code of a write blocked by a duplicate rule. */
export const DUPLICATE_ERROR_CODE = 'DATA_QUALITY_DUPLICATE'

/** One existing record a write matched, with its score and the per-field similarities. */
export interface DuplicateMatch {
  readonly id: string
  readonly score: number
  readonly fields: Readonly<Record<string, number>>
  readonly sureKey?: string
}

/**
 * A create or update blocked by a duplicate rule (`DATA_QUALITY_DUPLICATE`): `matches` lists the existing records
 * with their scores, best first. Nothing was written; retry inside `skipDuplicateCheck()` to save anyway.
 *
 * @example
 * ```ts
 * try {
 *   await crm.contacts.create(input)
 * } catch (err) {
 *   if (err instanceof DuplicateError) console.log(err.matches[0]?.id, err.matches[0]?.score)
 * }
 * ```
 */
export class DuplicateError extends RapportError {
  /** The matched records, best first. */
  readonly matches: readonly DuplicateMatch[]

  constructor(entity: string, ruleId: string, matches: readonly DuplicateMatch[]) {
    super(DUPLICATE_ERROR_CODE, `This ${entity} duplicates ${matches.length} existing record(s)`, {
      details: { entity, ruleId, matches, allowSave: true },
    })
    this.matches = matches
  }
}
