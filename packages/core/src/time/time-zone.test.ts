import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { instantOfWallClock, isTimeZone, localDateOf, startOfDayIn, wallClockOf } from './time-zone.js'

// An independent oracle: the runtime's Intl formatter, read field by field (what business-hours.ts did by hand before
// it moved to @date-fns/tz). The library must agree with it on every instant.
function referenceWallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {}
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
  for (const p of format.formatToParts(new Date(instant)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  const ms = ((instant % 1000) + 1000) % 1000
  return Date.UTC(
    parts['year']!,
    parts['month']! - 1,
    parts['day']!,
    parts['hour']!,
    parts['minute']!,
    parts['second']!,
    ms,
  )
}

const zones = [
  'UTC',
  'Europe/Berlin',
  'Europe/London',
  'America/New_York',
  'America/St_Johns',
  'America/Sao_Paulo',
  'Asia/Shanghai',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Pacific/Apia',
]
const instants = fc.integer({ min: Date.UTC(1980, 0, 1), max: Date.UTC(2060, 0, 1) })
const iso = (ms: number) => new Date(ms).toISOString()

describe('wallClockOf', () => {
  it('agrees with the Intl oracle on every instant in every zone', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), instants, (zone, instant) => {
        expect(wallClockOf(instant, zone)).toBe(referenceWallClock(instant, zone))
      }),
      { numRuns: 1000 },
    )
  })
})

describe('instantOfWallClock', () => {
  it('round-trips every instant whose wall-clock time is unambiguous, and picks the earliest otherwise', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), instants, (zone, instant) => {
        const wall = wallClockOf(instant, zone)
        const back = instantOfWallClock(wall, zone)
        expect(wallClockOf(back, zone)).toBe(wall)
        expect(back).toBeLessThanOrEqual(instant)
        // nothing earlier within the largest DST shift (an hour; Lord Howe's is 30 min) shows the same wall time
        for (const earlier of [back - 30 * 60_000, back - 3_600_000]) {
          expect(wallClockOf(earlier, zone)).not.toBe(wall)
        }
      }),
      { numRuns: 1000 },
    )
  })

  it.each([
    // overlap: the earlier instant wins (Temporal's "compatible"), where TZDate alone would take the later one
    ['Europe/Berlin', Date.UTC(2026, 9, 25, 2, 30), '2026-10-25T00:30:00.000Z'],
    ['America/New_York', Date.UTC(2026, 10, 1, 1, 30), '2026-11-01T05:30:00.000Z'],
    ['Australia/Lord_Howe', Date.UTC(2026, 3, 5, 1, 45), '2026-04-04T14:45:00.000Z'],
    // gap: pushed forward by the gap
    ['Europe/Berlin', Date.UTC(2026, 2, 29, 2, 30), '2026-03-29T01:30:00.000Z'],
    ['America/New_York', Date.UTC(2026, 2, 8, 2, 30), '2026-03-08T07:30:00.000Z'],
    ['Australia/Lord_Howe', Date.UTC(2026, 9, 4, 2, 15), '2026-10-03T15:45:00.000Z'],
    // no DST at all
    ['Asia/Shanghai', Date.UTC(2026, 2, 1, 0, 0), '2026-02-28T16:00:00.000Z'],
  ])('%s %s → %s', (zone, wall, expected) => {
    expect(iso(instantOfWallClock(wall, zone))).toBe(expected)
  })
})

describe('local days', () => {
  it('gives the local date and the start of the local day', () => {
    const evening = new Date('2026-03-01T20:00:00Z')
    expect(localDateOf(evening, 'Asia/Shanghai')).toBe('2026-03-02')
    expect(localDateOf(evening, 'America/New_York')).toBe('2026-03-01')
    expect(startOfDayIn(evening, 'Asia/Shanghai').toISOString()).toBe('2026-03-01T16:00:00.000Z')
    expect(startOfDayIn(evening, 'America/New_York').toISOString()).toBe('2026-03-01T05:00:00.000Z')
    // Sao Paulo skipped midnight on 2018-11-04 (DST began at 00:00): the day starts at 01:00 local
    expect(startOfDayIn(new Date('2018-11-04T12:00:00Z'), 'America/Sao_Paulo').toISOString()).toBe(
      '2018-11-04T03:00:00.000Z',
    )
  })

  it('startOfDayIn is on the same local date, not after the instant, and idempotent', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), instants, (zone, instant) => {
        const at = new Date(instant)
        const start = startOfDayIn(at, zone)
        expect(start.getTime()).toBeLessThanOrEqual(instant)
        expect(localDateOf(start, zone)).toBe(localDateOf(at, zone))
        expect(localDateOf(new Date(start.getTime() - 1), zone)).not.toBe(localDateOf(at, zone))
        expect(startOfDayIn(start, zone).getTime()).toBe(start.getTime())
      }),
      { numRuns: 2000 },
    )
  })

  it('knows which names are time zones', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true)
    expect(isTimeZone('Mars/Olympus')).toBe(false)
    expect(isTimeZone('')).toBe(false)
  })
})
