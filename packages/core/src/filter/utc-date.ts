/**
 * A `Date` whose calendar getters and setters work in UTC, used as the date-fns context so `$ago`/`$fromNow`
 * arithmetic never depends on the host's time zone: "30 days ago" is the same instant on a server in UTC and a
 * laptop in New York, even across a daylight-saving change. date-fns' `addMonths`/`addDays` (behind `add`/`sub`)
 * only use `getDate`/`setDate`, `getMonth`/`setMonth` and `getFullYear`/`setFullYear`, and build new dates through
 * `new date.constructor(time)`, which keeps this class.
 *
 * `@date-fns/utc` ships the complete version of this idea; this subset avoids a dependency for six methods.
 */
export class UtcDate extends Date {
  override getDate(): number {
    return this.getUTCDate()
  }

  override setDate(date: number): number {
    return this.setUTCDate(date)
  }

  override getMonth(): number {
    return this.getUTCMonth()
  }

  override setMonth(month: number, date?: number): number {
    return date === undefined ? this.setUTCMonth(month) : this.setUTCMonth(month, date)
  }

  override getFullYear(): number {
    return this.getUTCFullYear()
  }

  override setFullYear(year: number, month?: number, date?: number): number {
    if (month === undefined) return this.setUTCFullYear(year)
    return date === undefined ? this.setUTCFullYear(year, month) : this.setUTCFullYear(year, month, date)
  }
}
