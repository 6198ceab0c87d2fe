import * as z from 'zod'
import { isTimeZone } from '../time/time-zone.js'
import { calendarDateSchema } from './common-schemas.js'
import { defineEntity } from './entity-definition.js'

const timeOfDay = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'Expected a time such as "09:00"')

/** Working hours on one weekday (0 = Sunday … 6 = Saturday), in the calendar's time zone. */
export const workingHoursSchema = z
  .object({ day: z.int().min(0).max(6), start: timeOfDay, end: timeOfDay })
  .strict()
  .refine((h) => h.start < h.end, { message: 'start must be before end', path: ['end'] })

/** Working hours on one weekday. */
export type WorkingHours = z.output<typeof workingHoursSchema>

/** An IANA time zone name such as `Europe/Berlin`. */
export const timeZoneSchema = z
  .string()
  .min(1)
  .max(100)
  .refine(isTimeZone, { message: 'Expected an IANA time zone such as "Europe/Berlin"' })

/**
 * The entity declaration of business calendars: weekly working hours in a time zone, minus holidays. SLA policies
 * count their targets in these hours.
 */
export const businessCalendarEntity = defineEntity({
  name: 'businessCalendar',
  idPrefix: 'bcal',
  table: 'business_calendar',
  shape: {
    name: z.string().min(1).max(200),
    timeZone: timeZoneSchema.default('UTC'),
    /** Working intervals; several per day are allowed (e.g. a lunch break). */
    hours: z.array(workingHoursSchema).min(1).max(70),
    /** Whole days off, `YYYY-MM-DD` in the calendar's time zone. */
    holidays: z.array(calendarDateSchema).max(2000).default([]),
  },
  searchFields: ['name'],
})
