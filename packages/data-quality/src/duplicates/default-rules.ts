import type { DuplicateRule } from './duplicate-rule.js'
import { duplicateRuleSchema } from './duplicate-rule.js'

/**
 * The default rule for people (contacts), after Salesforce's standard contact rule: a shared normalised e-mail is a
 * duplicate outright; otherwise candidates come from the phone, the phonetic last name plus first initial, the
 * postcode plus the start of the phonetic last name, the birth date (`custom.birthDate`) and a national or customer
 * id (`custom.nationalId`), and are scored on names (Jaro–Winkler), birth date, phone, street, city and postcode. The threshold was tuned on FEBRL 3 and is
 * reported on FEBRL 4 (see test/febrl-accuracy.test.ts). Names alone never make a duplicate (`minWeight`).
 */
export const defaultPersonRule: DuplicateRule = duplicateRuleSchema.parse({
  id: 'contact.default',
  entity: 'contact',
  keys: [
    { name: 'email', parts: [{ field: 'emails.address', transform: 'email' }], sure: true },
    { name: 'phone', parts: [{ field: 'phones.number', transform: 'phone' }], minLength: 8 },
    {
      name: 'name',
      parts: [
        { field: 'lastName', transform: 'metaphone' },
        { field: 'firstName', transform: 'fold', length: 1 },
      ],
      minLength: 2,
    },
    {
      name: 'postcodeName',
      parts: [
        { field: 'address.postalCode', transform: 'fold' },
        { field: 'lastName', transform: 'metaphone', length: 2 },
      ],
    },
    { name: 'birthDate', parts: [{ field: 'custom.birthDate', transform: 'digits' }], minLength: 6 },
    { name: 'nationalId', parts: [{ field: 'custom.nationalId', transform: 'fold' }], minLength: 5 },
  ],
  comparisons: [
    { field: 'firstName', method: 'jaroWinkler', weight: 3 },
    { field: 'lastName', method: 'jaroWinkler', weight: 3 },
    { field: 'custom.birthDate', method: 'oneEdit', weight: 2 },
    { field: 'custom.nationalId', method: 'oneEdit', weight: 2 },
    { field: 'phones.number', method: 'phone', weight: 2 },
    { field: 'address.street', method: 'jaroWinkler', weight: 1 },
    { field: 'address.city', method: 'jaroWinkler', weight: 1 },
    { field: 'address.postalCode', method: 'exact', weight: 1 },
    { field: 'title', method: 'jaroWinkler', weight: 0.5 },
  ],
  threshold: 0.56,
  minWeight: 7,
  onCreate: 'warn',
  onUpdate: 'allow',
})

/**
 * The default rule for companies, after Salesforce's standard account rule: a shared company domain (free-mail
 * domains never count) is a duplicate outright; otherwise candidates share a legal-form-stripped name key, and are
 * scored on the name (Jaro–Winkler over the stripped key), city and country.
 */
export const defaultCompanyRule: DuplicateRule = duplicateRuleSchema.parse({
  id: 'company.default',
  entity: 'company',
  keys: [
    { name: 'domain', parts: [{ field: 'domain', transform: 'companyDomain' }], sure: true },
    { name: 'name', parts: [{ field: 'name', transform: 'companyName' }], minLength: 2 },
  ],
  comparisons: [
    { field: 'name', method: 'companyName', weight: 4 },
    { field: 'address.city', method: 'jaroWinkler', weight: 1 },
    { field: 'address.country', method: 'exact', weight: 1 },
  ],
  threshold: 0.9,
  minWeight: 4,
  onCreate: 'warn',
  onUpdate: 'allow',
})
