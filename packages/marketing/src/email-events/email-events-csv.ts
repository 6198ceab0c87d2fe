import { parse } from 'csv-parse/sync'
import { MarketingErrorCodes, marketingError } from '../marketing-error.js'
import type { EmailEventInput } from './email-event-input.js'

/** The columns of an email-event CSV export (header row required; unknown columns are ignored). */
export const EMAIL_EVENT_CSV_COLUMNS = [
  'provider_event_id',
  'type',
  'at',
  'member_id',
  'campaign_id',
  'record_id',
  'machine',
  'url',
  'bounce_kind',
] as const

/**
 * Reads an email-event CSV (a provider export) into events for `campaigns.ingest`, with `csv-parse` (the CSV library
 * `@rapport/io` uses). `at` is ISO-8601; `machine` is `true`/`1`. A malformed file is `MARKETING_INVALID_EVENT`.
 *
 * @example
 * ```ts
 * const events = parseEmailEventsCsv(await readFile('events.csv', 'utf8'))
 * await crm.plugins.marketing.campaigns.ingest(events)
 * ```
 */
export function parseEmailEventsCsv(text: string): EmailEventInput[] {
  let rows: Record<string, string>[]
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true })
  } catch (error) {
    throw marketingError(
      MarketingErrorCodes.MARKETING_INVALID_EVENT,
      `Unreadable email-event CSV: ${String(error)}`,
    )
  }
  return rows.map((row) => {
    const value = (key: string) => (row[key] === undefined || row[key] === '' ? undefined : row[key])
    const at = value('at')
    return {
      providerEventId: value('provider_event_id'),
      type: value('type'),
      at: at === undefined ? undefined : new Date(at),
      ...(value('member_id') ? { memberId: value('member_id') } : {}),
      ...(value('campaign_id') ? { campaignId: value('campaign_id') } : {}),
      ...(value('record_id') ? { recordId: value('record_id') } : {}),
      ...(value('machine') ? { machine: value('machine') === 'true' || value('machine') === '1' } : {}),
      ...(value('url') ? { url: value('url') } : {}),
      ...(value('bounce_kind') ? { bounceKind: value('bounce_kind') } : {}),
      provider: 'csv',
    } as unknown as EmailEventInput
  })
}
