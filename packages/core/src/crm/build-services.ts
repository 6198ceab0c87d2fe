import { CustomFieldServiceImpl } from '../custom-fields/custom-field-service.js'
import type { CrmSchema } from '../entities/crm-schema.js'
import { RapportError } from '../errors/rapport-error.js'
import { contactLifecycleBehaviour } from '../services/contact-lifecycle-behaviour.js'
import {
  linkedTargetsBehaviour,
  pipelineBehaviour,
  targetableBehaviour,
  taskBehaviour,
} from '../services/core-behaviours.js'
import { DealServiceImpl } from '../services/deal-service.js'
import { EntityServiceImpl } from '../services/entity-service.js'
import { LeadServiceImpl } from '../services/lead-service.js'
import { OrderServiceImpl } from '../services/order-service.js'
import { StageHistoryServiceImpl, stageChangeBehaviour } from '../services/stage-history-service.js'
import { StagedEntityServiceImpl } from '../services/staged-entity-service.js'
import { TicketServiceImpl } from '../services/ticket-service.js'
import { createTimelineService } from '../timeline/timeline-service.js'
import type { CrmServices } from '../types/crm-services.js'
import type { EntityService } from '../types/entity-service.js'
import type { StagedEntityService } from '../types/staged-entity-service.js'
import { CORE_SERVICE_OF } from './core-collections.js'
import type { Session } from './session.js'

// The service facade of a session: which implementation serves each core entity, built lazily, plus the generic
// service for plugin entities and domain events. createCrm builds one per session; nothing else here.

/** The session behind each service facade, so `scoped({ transaction })` can join the transaction it is bound to. */
const sessions = new WeakMap<CrmServices, Session>()

/** The session a facade built by {@link buildServices} is bound to (`undefined` for any other object). */
export function sessionOf(services: CrmServices): Session | undefined {
  return sessions.get(services)
}

/**
 * The service facade of one session. Services are built on first use: a scoped facade per HTTP request touches one
 * or two of them, so building all fifteen up front was most of what `crm.scoped()` cost.
 */
export function buildServices(session: Session): CrmServices {
  const schema = session.runtime.schema
  const generic = new Map<string, EntityService<unknown, Record<string, unknown>, Record<string, unknown>>>()
  const built = new Map<string, unknown>()
  const once = <K extends keyof CrmServices>(key: K, make: () => CrmServices[K]): CrmServices[K] => {
    let service = built.get(key) as CrmServices[K] | undefined
    if (service === undefined) {
      service = make()
      built.set(key, service)
    }
    return service
  }
  const services: CrmServices = {
    tenantId: session.tenantId,
    get contacts() {
      return once(
        'contacts',
        () =>
          new EntityServiceImpl(
            session,
            schema.entity('contact'),
            targetableBehaviour('contact', contactLifecycleBehaviour),
          ),
      )
    },
    get companies() {
      return once(
        'companies',
        () => new EntityServiceImpl(session, schema.entity('company'), targetableBehaviour('company')),
      )
    },
    get deals() {
      return once('deals', () => new DealServiceImpl(session, schema.entity('deal')))
    },
    get leads() {
      return once('leads', () => new LeadServiceImpl(session, schema.entity('lead')))
    },
    get tickets() {
      return once('tickets', () => new TicketServiceImpl(session, schema.entity('ticket')))
    },
    get slaPolicies() {
      return once('slaPolicies', () => new EntityServiceImpl(session, schema.entity('slaPolicy')))
    },
    get businessCalendars() {
      return once(
        'businessCalendars',
        () => new EntityServiceImpl(session, schema.entity('businessCalendar')),
      )
    },
    get stageHistory() {
      return once('stageHistory', () => new StageHistoryServiceImpl(session))
    },
    get pipelines() {
      return once(
        'pipelines',
        () => new EntityServiceImpl(session, schema.entity('pipeline'), pipelineBehaviour),
      )
    },
    get activities() {
      return once(
        'activities',
        () => new EntityServiceImpl(session, schema.entity('activity'), linkedTargetsBehaviour('activity')),
      )
    },
    get tasks() {
      return once(
        'tasks',
        () =>
          new EntityServiceImpl(
            session,
            schema.entity('task'),
            linkedTargetsBehaviour('task', taskBehaviour),
          ),
      )
    },
    get tags() {
      return once('tags', () => new EntityServiceImpl(session, schema.entity('tag')))
    },
    get customFields() {
      return once('customFields', () => new CustomFieldServiceImpl(session))
    },
    get orders() {
      return once('orders', () => new OrderServiceImpl(session, schema.entity('order')))
    },
    get timeline() {
      return once('timeline', () => createTimelineService(services, session))
    },
    entity<R>(name: string) {
      const core = Object.hasOwn(CORE_SERVICE_OF, name) ? CORE_SERVICE_OF[name] : undefined
      if (core) return services[core] as EntityService<R, Record<string, unknown>, Record<string, unknown>>
      let service = generic.get(name)
      if (!service) {
        const entity = schema.entity(name)
        const staged = entity.model.plugin ? entity.definition.staged : undefined
        service = staged
          ? new StagedEntityServiceImpl(session, entity, staged)
          : new EntityServiceImpl(session, entity, name === 'stageChange' ? stageChangeBehaviour : undefined)
        generic.set(name, service)
      }
      return service as EntityService<R, Record<string, unknown>, Record<string, unknown>>
    },
    staged<R>(name: string) {
      const entity = schema.entity(name)
      if (!entity.model.plugin || !entity.definition.staged) {
        throw new RapportError('NOT_FOUND', `"${name}" is not a staged plugin entity`, {
          details: { entity: name },
        })
      }
      return services.entity<R>(name) as StagedEntityService<R>
    },
    transaction<T>(fn: (tx: CrmServices) => Promise<T>): Promise<T> {
      return session.write((txSession) => fn(txSession === session ? services : buildServices(txSession)))
    },
    emit(type: string, payload: unknown): void {
      checkDomainEventType(type, schema)
      session.queue(type, payload)
    },
  }
  sessions.set(services, session)
  return services
}

const LIFECYCLE_VERBS = new Set(['created', 'updated', 'archived', 'restored', 'deleted'])

/** Refuses event names that are not `<noun>.<verb>`, and the lifecycle events of any entity (core emits those). */
function checkDomainEventType(type: unknown, schema: CrmSchema): void {
  const match =
    typeof type === 'string' ? /^([A-Za-z][A-Za-z0-9]*)\.([A-Za-z][A-Za-z0-9_]*)$/.exec(type) : null
  if (!match) {
    throw new RapportError('VALIDATION_FAILED', 'An event type is "<noun>.<verb>", e.g. "record.merged"', {
      details: { issues: [{ path: ['type'], message: 'Expected "<noun>.<verb>"', code: 'invalid_format' }] },
    })
  }
  let known = false
  try {
    schema.entity(match[1] as string)
    known = true
  } catch {}
  if (known && LIFECYCLE_VERBS.has(match[2] as string)) {
    throw new RapportError('VALIDATION_FAILED', `"${type}" is a lifecycle event only core emits`, {
      details: {
        issues: [{ path: ['type'], message: 'Lifecycle events are emitted by core', code: 'invalid_value' }],
      },
    })
  }
}
