import { AnalyticsError } from '../clv/analytics-error.js'
import type { EntityId } from '../rfm/compare-ids.js'
import type { TimeInput } from '../rfm/to-epoch-ms.js'
import { toEpochMs } from '../rfm/to-epoch-ms.js'
import { checkArray, checkId, checkNumber, checkObject, checkString } from '../validation/input-checks.js'

/** One marketing touch on a customer's path: a campaign response, an email click, a visit with UTM tags. */
export interface Touch {
  /** The channel (or campaign) credited for the touch. */
  readonly channel: string
  /** When it happened; required by the time-decay model only. */
  readonly at?: TimeInput
}

/**
 * One customer journey (or one aggregated path, as in ChannelAttribution's `PathData`): the ordered touches and
 * how it ended. A single converting journey is `{ touches, value }`; a path seen 120 times, 30 of which converted,
 * is `{ touches, conversions: 30, nulls: 90, value: … }`.
 */
export interface Journey {
  /** Caller's id (deal, opportunity), echoed in the per-journey credits. */
  readonly id?: EntityId
  /** Ordered touches, oldest first. Must not be empty. */
  readonly touches: readonly Touch[]
  /** How many conversions ended this path (default 1). */
  readonly conversions?: number
  /** How many times the path ended without a conversion (default 0); used by the Markov and Shapley models. */
  readonly nulls?: number
  /** Revenue of the conversions, in integer minor units (default 0). */
  readonly value?: number
  /** When it converted (default: the last touch); the reference point of the time-decay model. */
  readonly convertedAt?: TimeInput
}

/**
 * Journeys validated once by {@link compileJourneys}, to run several attribution models over the same journeys
 * without validating and indexing them again for each. Every model accepts it in place of the journey array.
 */
export interface CompiledJourneys {
  /** The channels seen, in the order they first occur. */
  readonly channels: readonly string[]
  /** How many journeys. */
  readonly size: number
}

/**
 * Journeys after validation, flat: journey `j`'s touches are `touches[offsets[j]]` … `touches[offsets[j + 1] − 1]`,
 * each the index of its channel in `channels`. @internal
 */
export interface ReadJourneys extends CompiledJourneys {
  readonly channels: string[]
  readonly offsets: Int32Array
  readonly touches: Int32Array
  readonly conversions: Float64Array
  readonly nulls: Float64Array
  readonly values: Float64Array
  readonly ids: (EntityId | undefined)[]
  readonly source: readonly Journey[]
  /** Epoch ms of every touch (aligned with `touches`), once a time-decay model has read and checked them. */
  touchTimes?: Float64Array
}

/** What {@link compileJourneys} made, so a forged object is never taken for checked journeys. */
const compiled = new WeakSet<object>()

/**
 * Validates journeys once and interns their channels, for running several attribution models over them: each model
 * called with the result skips the validation and indexing it would otherwise repeat. The journeys must not change
 * afterwards (the models read the compiled copy; the time-decay model reads touch times from the originals once).
 *
 * @param journeys - the journeys (each with at least one touch)
 * @returns an opaque compiled form, accepted by every attribution model in place of the array
 * @throws AnalyticsError `EMPTY_JOURNEY` for a journey without touches, `INVALID_INPUT` for malformed journeys
 *
 * @example
 * ```ts
 * import { compileJourneys, markovAttribution, ruleBasedAttribution } from '@rapport/analytics/attribution'
 *
 * const compiled = compileJourneys([{ touches: [{ channel: 'email' }, { channel: 'ads' }], value: 10_000 }])
 * ruleBasedAttribution(compiled, 'linear').channels
 * markovAttribution(compiled).removalEffects
 * ```
 */
export function compileJourneys(journeys: readonly Journey[]): CompiledJourneys {
  return readJourneys(journeys)
}

/**
 * Validates the journeys once and interns channel names, so every model loops over small integer arrays; compiled
 * journeys are returned as they are. Throws `EMPTY_JOURNEY` for a journey without touches and `INVALID_INPUT` for
 * anything malformed. The checks run inline and build a message only on failure (the hot path of every model).
 *
 * @internal
 */
export function readJourneys(
  journeys: readonly Journey[] | CompiledJourneys,
  what = 'journeys',
): ReadJourneys {
  if (typeof journeys === 'object' && journeys !== null && compiled.has(journeys)) {
    return journeys as ReadJourneys
  }
  checkArray<Journey>(journeys, what)
  const list = journeys as readonly Journey[]
  const n = list.length
  const index = new Map<string, number>()
  const channels: string[] = []
  const offsets = new Int32Array(n + 1)
  let touchIndexes = new Int32Array(Math.max(16, n * 4))
  let used = 0
  const conversions = new Float64Array(n)
  const nulls = new Float64Array(n)
  const values = new Float64Array(n)
  const ids: (EntityId | undefined)[] = new Array(n)
  for (let j = 0; j < n; j++) {
    const journey = list[j] as Journey
    if (typeof journey !== 'object' || journey === null || Array.isArray(journey)) {
      checkObject(journey, `${what}[${j}]`)
    }
    const touches = journey.touches
    if (!Array.isArray(touches)) checkArray<Touch>(touches, `${what}[${j}].touches`)
    if (touches.length === 0) {
      throw new AnalyticsError('EMPTY_JOURNEY', `${what}[${j}] has no touches: there is nothing to credit`, {
        index: j,
        id: journey.id ?? null,
      })
    }
    if (used + touches.length > touchIndexes.length) {
      const grown = new Int32Array(Math.max(touchIndexes.length * 2, used + touches.length))
      grown.set(touchIndexes)
      touchIndexes = grown
    }
    for (let t = 0; t < touches.length; t++) {
      const touch = touches[t] as Touch | undefined
      if (typeof touch !== 'object' || touch === null) checkObject(touch, `${what}[${j}].touches[${t}]`)
      const channel = touch!.channel
      let c = typeof channel === 'string' ? index.get(channel) : undefined
      if (c === undefined) {
        checkString(channel, `${what}[${j}].touches[${t}].channel`)
        c = channels.length
        channels.push(channel)
        index.set(channel, c)
      }
      touchIndexes[used++] = c
    }
    offsets[j + 1] = used
    conversions[j] = count(journey.conversions, 1, what, j, 'conversions')
    nulls[j] = count(journey.nulls, 0, what, j, 'nulls')
    const value = journey.value
    values[j] =
      value === undefined
        ? 0
        : Number.isSafeInteger(value)
          ? (value as number)
          : checkNumber(value, `${what}[${j}].value`, {
              integer: true,
              min: Number.MIN_SAFE_INTEGER,
              max: Number.MAX_SAFE_INTEGER,
            })
    const id = journey.id
    ids[j] =
      id === undefined || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))
        ? id
        : checkId(id, `${what}[${j}].id`)
  }
  const read: ReadJourneys = {
    channels,
    size: n,
    offsets,
    touches: touchIndexes.subarray(0, used),
    conversions,
    nulls,
    values,
    ids,
    source: list,
  }
  compiled.add(read)
  return read
}

/** A journey's count (`conversions`, `nulls`): a finite number ≥ 0, `fallback` when absent; the message built on failure only. */
function count(value: unknown, fallback: number, what: string, j: number, field: string): number {
  if (value === undefined) return fallback
  if (typeof value === 'number' && value >= 0 && value < Number.POSITIVE_INFINITY) return value
  return checkNumber(value, `${what}[${j}].${field}`, { min: 0 })
}

/**
 * Epoch milliseconds of every touch, aligned with `read.touches`, for the time-decay model: read and checked once per
 * compiled journeys (every touch needs an `at`, and none may be after the journey's `convertedAt`). @internal
 */
export function touchTimes(read: ReadJourneys, what = 'journeys'): Float64Array {
  if (read.touchTimes) return read.touchTimes
  const times = new Float64Array(read.touches.length)
  for (let j = 0; j < read.size; j++) {
    const journey = read.source[j] as Journey
    const touches = journey.touches
    const from = read.offsets[j]!
    for (let t = 0; t < touches.length; t++) {
      const at = (touches[t] as Touch).at
      times[from + t] =
        typeof at === 'number' && Number.isFinite(at) ? at : touchTime(at, `${what}[${j}].touches[${t}].at`)
    }
    if (journey.convertedAt !== undefined) {
      const field = `${what}[${j}].convertedAt`
      const convertedAt = toEpochMs(journey.convertedAt, field, { field })
      for (let t = 0; t < touches.length; t++) {
        if (times[from + t]! > convertedAt) {
          throw new AnalyticsError(
            'INVALID_INPUT',
            `${what}[${j}].touches[${t}].at is after the conversion (${what}[${j}].convertedAt)`,
            { field: `${what}[${j}].touches[${t}].at` },
          )
        }
      }
    }
  }
  read.touchTimes = times
  return times
}

function touchTime(at: TimeInput | undefined, field: string): number {
  if (at === undefined) {
    throw new AnalyticsError('INVALID_INPUT', `${field} is required by the time-decay model`, { field })
  }
  return toEpochMs(at, field, { field })
}
