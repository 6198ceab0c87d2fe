import type { NormalizeContext } from '@rapport/core/plugin'
import type { PhoneRegion } from './phone.js'
import { phoneToE164 } from './phone.js'

/** The region national phone numbers are read in: one for every tenant, or a tenant setting looked up per write. */
export type DefaultRegion = PhoneRegion | ((tenantId: string) => PhoneRegion | undefined)

/**
 * A `normalize` hook that rewrites phone numbers typed in national or loosely formatted form into E.164, for
 * contacts (`phones[].number`) and leads (`phone`). Numbers that cannot be read are left as typed, so core's
 * validation still refuses them with a field issue.
 *
 * @example
 * ```ts
 * definePlugin({ id: 'phones', hooks: { contact: { normalize: phoneNormalizer('US') } } })
 * ```
 */
export function phoneNormalizer(region: DefaultRegion | undefined) {
  return (input: Record<string, unknown>, ctx: NormalizeContext): Record<string, unknown> | undefined => {
    const defaultRegion = typeof region === 'function' ? region(ctx.tenantId) : region
    let out: Record<string, unknown> | undefined
    const phones = input['phones']
    if (Array.isArray(phones)) {
      let changed = false
      const next = phones.map((entry: unknown) => {
        if (entry === null || typeof entry !== 'object') return entry
        const number = (entry as Record<string, unknown>)['number']
        const e164 = typeof number === 'string' ? phoneToE164(number, defaultRegion) : null
        if (e164 === null || e164 === number) return entry
        changed = true
        return { ...(entry as Record<string, unknown>), number: e164 }
      })
      if (changed) out = { ...input, phones: next }
    }
    const phone = input['phone']
    if (typeof phone === 'string') {
      const e164 = phoneToE164(phone, defaultRegion)
      if (e164 !== null && e164 !== phone) out = { ...(out ?? input), phone: e164 }
    }
    return out
  }
}
