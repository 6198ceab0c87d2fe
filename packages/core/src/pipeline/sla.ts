import type { BusinessCalendarSpec } from './business-hours.js'
import { addBusinessTime, businessTimeBetween } from './business-hours.js'

/** Where one SLA target stands. */
export type SlaState = 'on_track' | 'at_risk' | 'breached' | 'met'

/** One SLA target of a ticket (first response or resolution). */
export interface SlaMetric {
  readonly targetMinutes: number
  /** When the target is (or was) due; `null` while the clock is paused. */
  readonly dueAt: Date | null
  /** When the target was achieved, if it was. */
  readonly achievedAt: Date | null
  /** Business milliseconds used so far (up to `achievedAt` or `now`). */
  readonly elapsedMs: number
  readonly state: SlaState
  /** The clock is stopped (the ticket is on hold). */
  readonly paused: boolean
}

/** A stay of the ticket in one stage, oldest first; the last one lasts until now. */
export interface SlaPeriod {
  readonly from: Date
  readonly kind: 'open' | 'won' | 'lost'
  readonly onHold: boolean
}

/** Everything {@link computeSla} needs; all of it comes from the ticket, its history, its policy and calendar. */
export interface SlaInput {
  readonly createdAt: Date
  readonly firstRespondedAt: Date | null
  /** The ticket's stage periods, from its stage history (the first starts at creation). */
  readonly periods: readonly SlaPeriod[]
  readonly firstResponseMinutes: number | null
  readonly resolutionMinutes: number | null
  /** Share of a target after which the ticket is at risk, in percent (default 75). */
  readonly atRiskPercent?: number
  /** `null` counts every millisecond. */
  readonly calendar: BusinessCalendarSpec | null
  readonly now: Date
}

/** The SLA of a ticket: each target that the policy sets. */
export interface SlaStatus {
  readonly firstResponse: SlaMetric | null
  readonly resolution: SlaMetric | null
}

/**
 * Computes a ticket's SLA from its history, purely: the first-response clock runs in business time from creation to
 * the first response (or the resolution, if nobody answered first); the resolution clock runs in business time
 * while the ticket is in an open stage that is not on hold, and stops when it enters a closed stage (reopening
 * restarts it where it stopped). A target is `breached` once more business time than the target has elapsed,
 * `at_risk` past `atRiskPercent`, `met` when achieved in time.
 *
 * @example
 * ```ts
 * const sla = computeSla({ createdAt, firstRespondedAt: null, periods: [{ from: createdAt, kind: 'open', onHold: false }],
 *   firstResponseMinutes: 60, resolutionMinutes: 480, calendar: null, now })
 * sla.firstResponse?.state // 'on_track' | 'at_risk' | 'breached'
 * ```
 */
export function computeSla(input: SlaInput): SlaStatus {
  const { calendar, now } = input
  const atRisk = (input.atRiskPercent ?? 75) / 100
  const periods =
    input.periods.length > 0
      ? input.periods
      : [{ from: input.createdAt, kind: 'open', onHold: false } as const]
  const current = periods.at(-1) as SlaPeriod
  const closedAt = current.kind === 'open' ? null : current.from

  let firstResponse: SlaMetric | null = null
  if (input.firstResponseMinutes) {
    const target = input.firstResponseMinutes * 60_000
    const achievedAt = input.firstRespondedAt ?? closedAt
    const dueAt = addBusinessTime(input.createdAt, target, calendar)
    const elapsedMs = businessTimeBetween(input.createdAt, achievedAt ?? now, calendar)
    firstResponse = {
      targetMinutes: input.firstResponseMinutes,
      dueAt,
      achievedAt,
      elapsedMs,
      state: stateOf(elapsedMs, target, atRisk, achievedAt !== null),
      paused: false,
    }
  }

  let resolution: SlaMetric | null = null
  if (input.resolutionMinutes) {
    const target = input.resolutionMinutes * 60_000
    let elapsedMs = 0
    let dueAt: Date | null = null
    for (const [i, period] of periods.entries()) {
      if (period.kind !== 'open' || period.onHold) continue
      const end = periods[i + 1]?.from ?? now
      const spent = businessTimeBetween(period.from, end, calendar)
      if (dueAt === null && elapsedMs + spent > target)
        dueAt = addBusinessTime(period.from, target - elapsedMs, calendar)
      elapsedMs += spent
    }
    const running = current.kind === 'open' && !current.onHold
    if (dueAt === null && running) dueAt = addBusinessTime(now, target - elapsedMs, calendar)
    resolution = {
      targetMinutes: input.resolutionMinutes,
      dueAt,
      achievedAt: closedAt,
      elapsedMs,
      state: stateOf(elapsedMs, target, atRisk, closedAt !== null),
      paused: current.kind === 'open' && current.onHold,
    }
  }
  return { firstResponse, resolution }
}

function stateOf(elapsed: number, target: number, atRisk: number, achieved: boolean): SlaState {
  if (elapsed > target) return 'breached'
  if (achieved) return 'met'
  return elapsed >= target * atRisk ? 'at_risk' : 'on_track'
}
