import { suggestFieldPaths } from '@rapport/core/filter'
import type { ImportTarget } from './import-targets.js'

/** Header spellings seen in CRM exports (HubSpot, Salesforce, Excel, Chinese tools), by target field. */
const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  email: ['email', 'e-mail', 'emailaddress', 'mail', 'primaryemail', '邮箱', '电子邮件', '电子邮箱', '邮件'],
  phone: [
    'phone',
    'phonenumber',
    'telephone',
    'tel',
    'mobile',
    'mobilephone',
    'cell',
    '电话',
    '手机',
    '手机号',
    '联系电话',
  ],
  firstName: ['firstname', 'givenname', 'forename', 'first', '名'],
  lastName: ['lastname', 'surname', 'familyname', 'last', '姓'],
  title: ['title', 'jobtitle', 'position', '职位', '职务'],
  name: [
    'name',
    'companyname',
    'company',
    'account',
    'accountname',
    'organisation',
    'organization',
    '公司',
    '公司名称',
    '名称',
  ],
  domain: ['domain', 'website', 'web', 'url', 'companydomain', '网站', '域名'],
  'address.city': ['city', 'town', '城市'],
  'address.country': ['country', 'countrycode', '国家'],
  tags: ['tags', 'labels', '标签'],
  id: ['id', 'recordid', 'rapportid'],
}

const squash = (text: string) => text.toLowerCase().replace(/[\s_\-.]+/gu, '')

/**
 * A suggested field for each header, or `null`: a known spelling of a field (`E-mail`, `Surname`, `手机`) first,
 * then core's field-path suggestion (the one filters use for "did you mean"). Each field is suggested at most once, to
 * the first header that fits; a caller reviews the suggestion, edits it, and may save it as a mapping.
 *
 * @example
 * ```ts
 * suggestMapping(['E-mail', 'First Name', 'Surname', 'Notes'], await importTargets(crm, 'contact'))
 * // { 'E-mail': 'email', 'First Name': 'firstName', Surname: 'lastName', Notes: null }
 * ```
 */
export function suggestMapping(
  headers: readonly string[],
  targets: readonly ImportTarget[],
): Record<string, string | null> {
  const paths = targets.map((t) => t.path)
  const available = new Set(paths)
  const bySquashed = new Map(paths.map((p) => [squash(p), p]))
  const out: Record<string, string | null> = {}
  for (const header of headers) {
    const key = squash(header)
    let found = bySquashed.get(key) ?? bySquashed.get(`custom${key}`)
    if (!found) {
      for (const [path, spellings] of Object.entries(SYNONYMS)) {
        if (available.has(path) && spellings.includes(key)) {
          found = path
          break
        }
      }
    }
    if (!found && key.length >= 3) {
      found = suggestFieldPaths(key, [...available].map(squash), 1).map((s) => bySquashed.get(s))[0]
    }
    if (found && available.has(found)) {
      out[header] = found
      available.delete(found)
    } else out[header] = null
  }
  return out
}
