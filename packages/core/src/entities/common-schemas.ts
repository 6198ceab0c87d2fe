import * as z from 'zod'

/** ISO 4217 currency code, upper case. */
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'Expected an ISO 4217 currency code such as "EUR"')

/**
 * Money as an integer number of minor units (cents) plus a currency. Integers avoid floating-point drift; the
 * minor unit is the currency's own (2 decimals for EUR, 0 for JPY), as in Stripe's API.
 */
export const moneySchema = z
  .object({ amountMinor: z.int(), currency: currencySchema })
  .strict()
  .meta({ rapportType: 'money' })

/** A money value: `{ amountMinor: 1999, currency: 'EUR' }` is €19.99. */
export type Money = z.infer<typeof moneySchema>

/** A postal address; every part optional. */
export const addressSchema = z
  .object({
    street: z.string().max(500).optional(),
    city: z.string().max(200).optional(),
    region: z.string().max(200).optional(),
    postalCode: z.string().max(40).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'Expected an ISO 3166-1 alpha-2 country code such as "DE"')
      .optional(),
  })
  .strict()

/** A postal address. */
export type Address = z.infer<typeof addressSchema>

/** One email address of a contact. Addresses are stored as given and matched case-insensitively. */
export const emailEntrySchema = z
  .object({
    address: z.email().max(320),
    label: z.string().max(50).optional(),
    primary: z.boolean().optional(),
  })
  .strict()

/** One email address of a contact. */
export type EmailEntry = z.infer<typeof emailEntrySchema>

/**
 * One phone number. Numbers must be E.164 (`+4930123456`); normalising free-form input is the host's job (for
 * example with libphonenumber-js), because it needs a default region only the host knows.
 */
export const phoneEntrySchema = z
  .object({
    number: z.string().regex(/^\+[1-9]\d{4,14}$/, 'Expected an E.164 phone number such as "+4930123456"'),
    label: z.string().max(50).optional(),
    primary: z.boolean().optional(),
  })
  .strict()

/** One phone number. */
export type PhoneEntry = z.infer<typeof phoneEntrySchema>

/** Tag names attached to a record. */
export const tagsSchema = z.array(z.string().min(1).max(100)).max(100)

/** An id of another record (or of a host user, for owners and assignees). */
export const refIdSchema = z.string().min(1).max(100)

/** A calendar date, `YYYY-MM-DD`. */
export const calendarDateSchema = z.iso.date()

/** Custom field values, validated against the registered custom fields of the entity. */
export const customValuesSchema = z.record(z.string(), z.unknown())

/** A reference from an activity or task to the record it concerns. */
export const targetSchema = z
  .object({
    type: z.string().min(1).max(50),
    id: refIdSchema,
  })
  .strict()

/** A reference from an activity or task to the record it concerns, e.g. `{ type: 'contact', id: 'con_…' }`. */
export type Target = z.infer<typeof targetSchema>
