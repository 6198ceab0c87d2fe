import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { BusinessCalendarSpec } from '../../src/pipeline/index.js'
import { addBusinessTime, businessTimeBetween, computeSla, isBusinessTime } from '../../src/pipeline/index.js'

const HOUR = 3_600_000
const weekdays = [1, 2, 3, 4, 5]
const berlin: BusinessCalendarSpec = {
  timeZone: 'Europe/Berlin',
  hours: weekdays.map((day) => ({ day, start: '09:00', end: '17:00' })),
  holidays: ['2026-04-03', '2026-12-25'],
}
const utcLunch: BusinessCalendarSpec = {
  timeZone: 'UTC',
  hours: weekdays.flatMap((day) => [
    { day, start: '09:00', end: '12:00' },
    { day, start: '13:00', end: '17:00' },
  ]),
  holidays: [],
}
const d = (iso: string) => new Date(iso)

describe('business hours', () => {
  it('counts only working time in the calendar’s zone, across a weekend', () => {
    // Friday 2026-03-06 16:00 CET (15:00Z) to Monday 10:00 CET (09:00Z): one hour each side.
    expect(businessTimeBetween(d('2026-03-06T15:00:00Z'), d('2026-03-09T09:00:00Z'), berlin)).toBe(2 * HOUR)
    expect(addBusinessTime(d('2026-03-06T15:00:00Z'), 2 * HOUR, berlin)).toEqual(d('2026-03-09T09:00:00Z'))
  })

  it('skips holidays and lunch breaks', () => {
    // Thursday 2026-04-02 16:00 CEST (14:00Z) + 2 h: Good Friday is off, so Monday 10:00 CEST (08:00Z).
    expect(addBusinessTime(d('2026-04-02T14:00:00Z'), 2 * HOUR, berlin)).toEqual(d('2026-04-06T08:00:00Z'))
    expect(businessTimeBetween(d('2026-04-03T00:00:00Z'), d('2026-04-04T00:00:00Z'), berlin)).toBe(0)
    expect(businessTimeBetween(d('2026-03-02T11:00:00Z'), d('2026-03-02T14:00:00Z'), utcLunch)).toBe(2 * HOUR)
    expect(addBusinessTime(d('2026-03-02T11:30:00Z'), HOUR, utcLunch)).toEqual(d('2026-03-02T13:30:00Z'))
    expect(isBusinessTime(d('2026-03-02T12:30:00Z'), utcLunch)).toBe(false)
    expect(isBusinessTime(d('2026-03-02T13:30:00Z'), utcLunch)).toBe(true)
  })

  it('follows daylight-saving changes: 09:00 local is 08:00Z in winter and 07:00Z in summer', () => {
    expect(addBusinessTime(d('2026-03-27T20:00:00Z'), 1, berlin)).toEqual(d('2026-03-30T07:00:00.001Z'))
    expect(addBusinessTime(d('2026-03-26T20:00:00Z'), 1, berlin)).toEqual(d('2026-03-27T08:00:00.001Z'))
    // A full working week across the change still has 40 working hours.
    expect(businessTimeBetween(d('2026-03-23T00:00:00Z'), d('2026-04-03T00:00:00Z'), berlin)).toBe(
      9 * 8 * HOUR,
    )
  })

  it('counts every millisecond without a calendar', () => {
    expect(businessTimeBetween(d('2026-03-07T00:00:00Z'), d('2026-03-08T00:00:00Z'), null)).toBe(24 * HOUR)
    expect(addBusinessTime(d('2026-03-07T00:00:00Z'), HOUR, null)).toEqual(d('2026-03-07T01:00:00Z'))
  })

  it('adding and measuring agree (property)', () => {
    const start = fc.date({
      min: d('2025-01-01T00:00:00Z'),
      max: d('2027-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    fc.assert(
      fc.property(
        start,
        fc.integer({ min: 1, max: 200 * HOUR }),
        fc.constantFrom(berlin, utcLunch, null),
        (from, ms, cal) => {
          const due = addBusinessTime(from, ms, cal)
          expect(businessTimeBetween(from, due, cal)).toBe(ms)
          // Nothing earlier would do: one millisecond less of business time is not enough.
          expect(businessTimeBetween(from, new Date(due.getTime() - 1), cal)).toBe(ms - 1)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('splits additively over any cut point (property)', () => {
    const day = fc.date({
      min: d('2026-03-01T00:00:00Z'),
      max: d('2026-04-30T00:00:00Z'),
      noInvalidDate: true,
    })
    fc.assert(
      fc.property(day, day, day, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort((p, q) => p.getTime() - q.getTime()) as [Date, Date, Date]
        expect(businessTimeBetween(x, y, berlin) + businessTimeBetween(y, z, berlin)).toBe(
          businessTimeBetween(x, z, berlin),
        )
      }),
      { numRuns: 100 },
    )
  })
})

describe('computeSla', () => {
  const createdAt = d('2026-03-02T08:00:00Z') // Monday 09:00 Berlin
  const open = { kind: 'open' as const, onHold: false }
  const base = { createdAt, firstResponseMinutes: 60, resolutionMinutes: 8 * 60, calendar: berlin }

  it('is on track, then at risk, then breached as business time passes', () => {
    const at = (iso: string) =>
      computeSla({ ...base, firstRespondedAt: null, periods: [{ from: createdAt, ...open }], now: d(iso) })
    expect(at('2026-03-02T08:30:00Z').firstResponse).toMatchObject({
      state: 'on_track',
      dueAt: d('2026-03-02T09:00:00Z'),
    })
    expect(at('2026-03-02T08:50:00Z').firstResponse?.state).toBe('at_risk')
    expect(at('2026-03-02T09:00:01Z').firstResponse?.state).toBe('breached')
    // Resolution: 8 business hours from Monday 09:00 is Monday 17:00 local.
    expect(at('2026-03-02T12:00:00Z').resolution).toMatchObject({
      state: 'on_track',
      dueAt: d('2026-03-02T16:00:00Z'),
    })
  })

  it('pauses the resolution clock while on hold and stops it at resolution', () => {
    const periods = [
      { from: createdAt, ...open },
      { from: d('2026-03-02T10:00:00Z'), kind: 'open' as const, onHold: true },
      { from: d('2026-03-04T08:00:00Z'), ...open },
      { from: d('2026-03-04T12:00:00Z'), kind: 'won' as const, onHold: false },
    ]
    const paused = computeSla({
      ...base,
      firstRespondedAt: d('2026-03-02T08:20:00Z'),
      periods: periods.slice(0, 2),
      now: d('2026-03-03T10:00:00Z'),
    })
    expect(paused.resolution).toMatchObject({
      state: 'on_track',
      paused: true,
      dueAt: null,
      elapsedMs: 2 * HOUR,
    })
    expect(paused.firstResponse).toMatchObject({ state: 'met', achievedAt: d('2026-03-02T08:20:00Z') })
    const resolved = computeSla({
      ...base,
      firstRespondedAt: d('2026-03-02T08:20:00Z'),
      periods,
      now: d('2026-03-10T00:00:00Z'),
    })
    expect(resolved.resolution).toMatchObject({
      state: 'met',
      achievedAt: d('2026-03-04T12:00:00Z'),
      elapsedMs: 6 * HOUR,
    })
  })

  it('reports the instant a breached target was due, even after the ticket went on hold', () => {
    const periods = [
      { from: createdAt, ...open },
      { from: d('2026-03-03T12:00:00Z'), kind: 'open' as const, onHold: true },
    ]
    const sla = computeSla({ ...base, firstRespondedAt: null, periods, now: d('2026-03-05T00:00:00Z') })
    expect(sla.resolution).toMatchObject({
      state: 'breached',
      dueAt: d('2026-03-02T16:00:00Z'),
      paused: true,
    })
    expect(sla.firstResponse).toMatchObject({ state: 'breached', dueAt: d('2026-03-02T09:00:00Z') })
  })

  it('leaves out targets the policy does not set', () => {
    const sla = computeSla({
      createdAt,
      firstRespondedAt: null,
      periods: [],
      firstResponseMinutes: null,
      resolutionMinutes: null,
      calendar: null,
      now: createdAt,
    })
    expect(sla).toEqual({ firstResponse: null, resolution: null })
  })
})
