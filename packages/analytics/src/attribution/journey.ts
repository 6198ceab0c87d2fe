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

/** Journeys after validation: channels interned to indexes. @internal */
export interface ReadJourneys {
  readonly channels: string[]
  readonly paths: Int32Array[]
  readonly conversions: Float64Array
  readonly nulls: Float64Array
  readonly values: Float64Array
  readonly ids: (EntityId | undefined)[]
  readonly source: readonly Journey[]
}

/**
 * Validates the journeys once and interns channel names, so every model loops over small integer arrays.
 * Throws `EMPTY_JOURNEY` for a journey without touches and `INVALID_INPUT` for anything malformed.
 *
 * @internal
 */
export function readJourneys(journeys: readonly Journey[], what = 'journeys'): ReadJourneys {
  checkArray<Journey>(journeys, what)
  const n = journeys.length
  const index = new Map<string, number>()
  const channels: string[] = []
  const paths: Int32Array[] = new Array(n)
  const conversions = new Float64Array(n)
  const nulls = new Float64Array(n)
  const values = new Float64Array(n)
  const ids: (EntityId | undefined)[] = new Array(n)
  for (let j = 0; j < n; j++) {
    const journey = checkObject(journeys[j], `${what}[${j}]`) as unknown as Journey
    const touches = checkArray<Touch>(journey.touches, `${what}[${j}].touches`)
    if (touches.length === 0) {
      throw new AnalyticsError('EMPTY_JOURNEY', `${what}[${j}] has no touches: there is nothing to credit`, {
        index: j,
        id: journey.id ?? null,
      })
    }
    const path = new Int32Array(touches.length)
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
      path[t] = c
    }
    paths[j] = path
    conversions[j] =
      journey.conversions === undefined
        ? 1
        : checkNumber(journey.conversions, `${what}[${j}].conversions`, { min: 0 })
    nulls[j] = journey.nulls === undefined ? 0 : checkNumber(journey.nulls, `${what}[${j}].nulls`, { min: 0 })
    values[j] =
      journey.value === undefined
        ? 0
        : checkNumber(journey.value, `${what}[${j}].value`, {
            integer: true,
            min: Number.MIN_SAFE_INTEGER,
            max: Number.MAX_SAFE_INTEGER,
          })
    ids[j] = journey.id === undefined ? undefined : checkId(journey.id, `${what}[${j}].id`)
  }
  return { channels, paths, conversions, nulls, values, ids, source: journeys }
}

/** Epoch milliseconds of each touch and of the conversion, for the time-decay model. @internal */
export function journeyTimes(
  journey: Journey,
  j: number,
  what = 'journeys',
): { touches: Float64Array; convertedAt: number } {
  const touches = new Float64Array(journey.touches.length)
  for (let t = 0; t < touches.length; t++) {
    const at = journey.touches[t]!.at
    if (at === undefined) {
      throw new AnalyticsError(
        'INVALID_INPUT',
        `${what}[${j}].touches[${t}].at is required by the time-decay model`,
        { field: `${what}[${j}].touches[${t}].at` },
      )
    }
    touches[t] = toEpochMs(at, `${what}[${j}].touches[${t}].at`, { field: `${what}[${j}].touches[${t}].at` })
  }
  let convertedAt = touches[0]!
  for (const t of touches) if (t > convertedAt) convertedAt = t
  if (journey.convertedAt !== undefined) {
    convertedAt = toEpochMs(journey.convertedAt, `${what}[${j}].convertedAt`, {
      field: `${what}[${j}].convertedAt`,
    })
    for (let t = 0; t < touches.length; t++) {
      if (touches[t]! > convertedAt) {
        throw new AnalyticsError(
          'INVALID_INPUT',
          `${what}[${j}].touches[${t}].at is after the conversion (${what}[${j}].convertedAt)`,
          { field: `${what}[${j}].touches[${t}].at` },
        )
      }
    }
  }
  return { touches, convertedAt }
}
