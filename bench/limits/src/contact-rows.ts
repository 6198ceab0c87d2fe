// The hand-written side of the comparison: contact inputs, the column values a raw writer puts into the very
// `contact` table `crm.migrate()` creates (defaults and derived columns included, nothing validated), and the row
// mappers a hand-written repository would use to return the record `crm.contacts.get` returns.

import { searchDocument } from '@rapport/core/search'

export const TENANT = 'default'
export const OWNERS = 50

/** Every column of the migrated `contact` table, in table order. */
export const CONTACT_COLUMNS = [
  'id',
  'tenant_id',
  'created_at',
  'updated_at',
  'version',
  'archived_at',
  'prefix',
  'first_name',
  'middle_name',
  'last_name',
  'suffix',
  'emails',
  'phones',
  'title',
  'company_id',
  'owner_id',
  'lifecycle_stage',
  'status',
  'source',
  'address',
  'tags',
  'custom',
  'primary_email',
  'email_addresses',
  'phone_numbers',
  'search_terms',
  'search_keys',
] as const

/**
 * The columns a contact record is built from (the derived email/phone lists and search columns are written, never
 * shown): what the service selects for `get` and `list`, so the raw side selects the same.
 */
export const RECORD_COLUMNS = CONTACT_COLUMNS.filter(
  (c) => !['primary_email', 'email_addresses', 'phone_numbers', 'search_terms', 'search_keys'].includes(c),
)

export interface ContactInput {
  firstName: string
  lastName: string
  emails: { address: string; primary: boolean }[]
  title: string
  ownerId: string
  tags: string[]
}

/** The `i`-th contact input of the workload (owners spread evenly). */
export function contactInput(i: number, tag = 'bench'): ContactInput {
  return {
    firstName: `First${i}`,
    lastName: `Last${i}`,
    emails: [{ address: `Person${i}@Example.com`, primary: true }],
    title: 'Engineer',
    ownerId: `usr_${i % OWNERS}`,
    tags: [tag],
  }
}

let sequence = 0
/** A raw writer's id: prefixed and unique, like Rapport's, without its generator. */
export const rawId = (now: number) => `con_${now.toString(36)}${(sequence++).toString(36).padStart(8, '0')}`

/** The contact's search fields and phrases as core declares them (for core's search document). */
const contactSearch = {
  searchFields: ['firstName', 'middleName', 'lastName', 'emailAddresses', 'phoneNumbers', 'title'],
  searchPhrases: [
    ['firstName', 'middleName', 'lastName'],
    ['lastName', 'firstName'],
  ],
}

/**
 * The column values of one input, in {@link CONTACT_COLUMNS} order: the service's defaults (`lead`, `active`, empty
 * lists) and derived columns (primary email, lower-cased addresses), JSON as text; `time` encodes the instants.
 */
export function contactValues<T>(input: ContactInput, id: string, now: T): unknown[] {
  const primary = input.emails.find((e) => e.primary) ?? input.emails[0]
  const emailAddresses = input.emails.map((e) => e.address.toLowerCase())
  // The search columns hold core's tokens (the same tokeniser on every adapter): a writer that skipped them would
  // leave its rows unfindable, so the raw side computes them with core's own function.
  const search = searchDocument(contactSearch, {
    firstName: input.firstName,
    lastName: input.lastName,
    emailAddresses,
    phoneNumbers: [],
    title: input.title,
  })
  return [
    id,
    TENANT,
    now,
    now,
    1,
    null,
    null,
    input.firstName,
    null,
    input.lastName,
    null,
    JSON.stringify(input.emails),
    '[]',
    input.title,
    null,
    input.ownerId,
    'lead',
    'active',
    null,
    null,
    JSON.stringify(input.tags),
    '{}',
    primary ? primary.address.toLowerCase() : null,
    JSON.stringify(emailAddresses),
    '[]',
    search.searchTerms,
    search.searchKeys,
  ]
}

const json = (value: unknown) => (value === null ? null : JSON.parse(value as string))
const date = (value: unknown) => (value === null ? null : new Date(value as number))

/** A hand-written mapper from a SQLite `contact` row to the record the service returns. */
export function sqliteContact(r: Record<string, unknown>) {
  return {
    id: r['id'],
    tenantId: r['tenant_id'],
    createdAt: new Date(r['created_at'] as number),
    updatedAt: new Date(r['updated_at'] as number),
    version: r['version'],
    archivedAt: date(r['archived_at']),
    prefix: r['prefix'],
    firstName: r['first_name'],
    middleName: r['middle_name'],
    lastName: r['last_name'],
    suffix: r['suffix'],
    emails: json(r['emails']),
    phones: json(r['phones']),
    title: r['title'],
    companyId: r['company_id'],
    ownerId: r['owner_id'],
    lifecycleStage: r['lifecycle_stage'],
    status: r['status'],
    source: r['source'],
    address: json(r['address']),
    tags: json(r['tags']),
    custom: json(r['custom']),
  }
}

/** A hand-written mapper from a Postgres `contact` row (pg parses timestamptz and jsonb; bigint is text). */
export function postgresContact(r: Record<string, unknown>) {
  return {
    id: r['id'],
    tenantId: r['tenant_id'],
    createdAt: r['created_at'],
    updatedAt: r['updated_at'],
    version: Number(r['version']),
    archivedAt: r['archived_at'],
    prefix: r['prefix'],
    firstName: r['first_name'],
    middleName: r['middle_name'],
    lastName: r['last_name'],
    suffix: r['suffix'],
    emails: r['emails'],
    phones: r['phones'],
    title: r['title'],
    companyId: r['company_id'],
    ownerId: r['owner_id'],
    lifecycleStage: r['lifecycle_stage'],
    status: r['status'],
    source: r['source'],
    address: r['address'],
    tags: r['tags'],
    custom: r['custom'],
  }
}

/** Checks a raw mapper and the service agree on a record, so both sides do the same work. */
export function assertSameRecord(service: unknown, raw: unknown): void {
  const a = JSON.stringify(service)
  const b = JSON.stringify(raw)
  if (a !== b) throw new Error(`the raw mapper and the service disagree:\n${a}\n${b}`)
}
