/**
 * `@rapport/core/events`: event payloads (`<entity>.<verb>` and domain events), the typed map of every CRM event, the
 * event bus, and the write origin each event carries.
 *
 * @example
 * ```ts
 * import type { CrmEvents } from '@rapport/core/events'
 *
 * crm.events.on('contact.created', (event: CrmEvents['contact.created']) => console.log(event.record.id))
 * ```
 *
 * @module
 */

export type { CrmEvents, PipelineEvents } from '../crm/crm-event-map.js'
export { type WriteChannel, type WriteOrigin, writeChannels } from '../crm/write-origin.js'
export type { Actor, EntityEvents, EventMeta, RecordEvent, RecordUpdatedEvent } from './crm-events.js'
export { EventBus, type EventErrorHandler, type EventHandler } from './event-bus.js'
