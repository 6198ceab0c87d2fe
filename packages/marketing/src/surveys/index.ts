/**
 * Service satisfaction: one CSAT (1–5) or NPS (0–10) response per ticket and kind, with its comment and channel. The
 * responses feed the `csat` and `nps` KPIs (`@rapport/marketing/kpis`).
 *
 * @example
 * ```ts
 * const { created } = await crm.plugins.marketing.surveys.record({ ticketId: ticket.id, score: 5, comment: '很好' })
 * await crm.plugins.marketing.surveys.record({ ticketId: ticket.id, score: 5, comment: '很好' }) // created: false
 * await crm.plugins.marketing.surveys.record({ ticketId: ticket.id, score: 1 }) // MARKETING_DUPLICATE_RESPONSE
 * ```
 *
 * @module
 */
export { surveyChannels, surveyKinds, surveyResponseEntity } from './survey-entities.js'
export type {
  RecordedResponse,
  SurveyKind,
  SurveyResponse,
  SurveyResponseInput,
  SurveyService,
} from './survey-service.js'
