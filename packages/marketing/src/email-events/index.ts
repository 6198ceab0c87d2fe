/**
 * Email events from providers: the provider-neutral input, a SendGrid Event Webhook mapper and a CSV reader. Ingest
 * them with `crm.plugins.marketing.campaigns.ingest` (idempotent by `providerEventId`).
 *
 * @example
 * ```ts
 * import { fromSendGrid } from '@rapport/marketing/email-events'
 *
 * await crm.plugins.marketing.campaigns.ingest(fromSendGrid(webhookBody))
 * ```
 *
 * @module
 */
export { checkEmailEvents, type EmailEventInput, emailEventInputSchema } from './email-event-input.js'
export { EMAIL_EVENT_CSV_COLUMNS, parseEmailEventsCsv } from './email-events-csv.js'
export { fromSendGrid, type SendGridEvent } from './sendgrid.js'
