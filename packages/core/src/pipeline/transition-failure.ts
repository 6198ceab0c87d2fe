import { RapportError } from '../errors/rapport-error.js'

/**
 * The built-in guards of the pipeline machine, in the order they run:
 *
 * - `stageMapping`: changing pipelines needs an explicit stage mapping (`changePipeline`);
 * - `stageInPipeline`: the target stage belongs to the record's pipeline;
 * - `reopen`: the pipeline refuses to reopen closed records;
 * - `policy`: the pipeline's transition policy forbids the move;
 * - `requiredFields`: the target stage's required fields are missing;
 * - `reason`: a `lost` stage needs a reason (`lostReason` on deals, `disqualifiedReason` on leads);
 * - `converted`: converted leads are final, and only `convert` may convert.
 *
 * Custom guards use their own names.
 */
export const builtInGuards = [
  'stageMapping',
  'stageInPipeline',
  'reopen',
  'policy',
  'requiredFields',
  'reason',
  'converted',
] as const

/** Why the machine refused a move. */
export interface TransitionFailure {
  /** The guard that failed: one of {@link builtInGuards} or a custom guard's name. */
  readonly guard: string
  readonly message: string
  /** The stage the record is in (`null` on create). */
  readonly from: string | null
  /** The stage it was meant to enter (`null` when a pipeline change has no mapping for the current stage). */
  readonly to: string | null
  /** For `requiredFields` and `reason`: the fields without a value. */
  readonly missingFields?: readonly string[]
  /** For `policy`: the stages the policy does allow from `from`. */
  readonly allowed?: readonly string[]
}

/**
 * The `INVALID_TRANSITION` error of a refused move; `details` holds `guard`, `from`, `to`, `missingFields` and, for
 * policy refusals, `allowed`.
 *
 * @example
 * ```ts
 * throw invalidTransition('deal', dealId, { guard: 'policy', message: 'No skipping', from, to })
 * ```
 */
export function invalidTransition(entity: string, id: string, failure: TransitionFailure): RapportError {
  return new RapportError('INVALID_TRANSITION', failure.message, {
    details: {
      entity,
      id,
      guard: failure.guard,
      from: failure.from,
      to: failure.to,
      missingFields: [...(failure.missingFields ?? [])],
      ...(failure.allowed ? { allowed: [...failure.allowed] } : {}),
    },
  })
}
