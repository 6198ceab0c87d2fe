import type { Filter } from '../filter/filter-types.js'
import type { TimelineSource, TimelineSubject } from './timeline-types.js'

/**
 * How a source's records name the customer they concern, declared once so that a contact's timeline and its
 * company's agree by construction: a company's timeline holds the records naming the company and every record on
 * its people's timelines (the contacts whose `companyId` is the company, as far as the reader may see them).
 *
 * @example
 * ```ts
 * // A contract names its customer by contactId (followed by the `contact` relation) and companyId.
 * const contractParty: TimelineParty = {
 *   contact: { field: 'contactId', relation: 'contact' },
 *   company: { field: 'companyId' },
 * }
 * ```
 */
export interface TimelineParty {
  /**
   * The contact a record concerns: `field` holds the contact's id and `relation` is the belongsTo relation that
   * follows it (`{ field: 'requesterId', relation: 'requester' }`); or only `relation`, a relation reaching any
   * number of contacts (an activity's `contacts` links, a deal's `contacts` roles).
   */
  readonly contact?: { readonly field?: string; readonly relation: string }
  /** The company a record concerns: `field` holds the company's id, or `relation` reaches companies. */
  readonly company?: { readonly field: string } | { readonly relation: string }
}

const idIs = (id: string): Filter => ({ field: 'id', op: 'eq', value: id })

/** The records naming a contact directly, matched by the contact filter `who` (`id = …` or `companyId = …`). */
function naming(contact: NonNullable<TimelineParty['contact']>, who: Filter, id?: string): Filter {
  // A reference field is compared directly (its index serves the page); the relation is the general route.
  if (contact.field && id !== undefined) return { field: contact.field, op: 'eq', value: id }
  return { exists: contact.relation, where: who }
}

/**
 * The filter selecting a subject's records of a source declared by its {@link TimelineParty}, or `null` when the
 * party cannot name subjects of that type: for a contact, the records naming it; for a company, the records naming
 * the company or naming one of its people.
 *
 * @example
 * ```ts
 * partyFilter({ contact: { field: 'contactId', relation: 'contact' }, company: { field: 'companyId' } }, {
 *   type: 'company',
 *   id: acme.id,
 * })
 * // { or: [{ field: 'companyId', op: 'eq', value: acme.id },
 * //        { exists: 'contact', where: { field: 'companyId', op: 'eq', value: acme.id } }] }
 * ```
 */
export function partyFilter(party: TimelineParty, subject: TimelineSubject): Filter | null {
  if (subject.type === 'contact') {
    return party.contact ? naming(party.contact, idIs(subject.id), subject.id) : null
  }
  const parts: Filter[] = []
  if (party.company) {
    parts.push(
      'field' in party.company
        ? { field: party.company.field, op: 'eq', value: subject.id }
        : { exists: party.company.relation, where: idIs(subject.id) },
    )
  }
  if (party.contact) {
    parts.push(naming(party.contact, { field: 'companyId', op: 'eq', value: subject.id }))
  }
  if (parts.length === 0) return null
  return parts.length === 1 ? (parts[0] as Filter) : { or: parts }
}

/**
 * A timeline source whose records name their customer as `party` says ({@link partyFilter}), or, with `via`, whose
 * records belong through the relation `via` to records naming the customer (a payment through its contract).
 *
 * @example
 * ```ts
 * const contractParty: TimelineParty = { contact: { field: 'contactId', relation: 'contact' }, company: { field: 'companyId' } }
 * const sources = [
 *   partySource({ kind: 'contract', entity: 'contract', at: 'createdAt', party: contractParty }),
 *   partySource({ kind: 'payment', entity: 'payment', at: 'createdAt', party: contractParty, via: 'contract' }),
 * ]
 * ```
 */
export function partySource(declaration: {
  readonly kind: string
  readonly entity: string
  readonly at: string
  readonly party: TimelineParty
  readonly via?: string
  /** Further conditions every entry meets (e.g. `entityType = 'deal'` for a deal's stage moves). */
  readonly and?: Filter
}): TimelineSource {
  const { kind, entity, at, party, via, and } = declaration
  return {
    kind,
    entity,
    at,
    where(subject) {
      const own = partyFilter(party, subject)
      if (own === null) return null
      const reached = via ? { exists: via, where: own } : own
      return and ? { and: [and, reached] } : reached
    },
  }
}
