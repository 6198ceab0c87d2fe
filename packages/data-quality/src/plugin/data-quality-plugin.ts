import type { CrmPlugin } from '@rapport/core'
import { definePlugin } from '@rapport/core'
import type { DefaultRegion } from '../normalise/phone-input.js'
import { phoneNormalizer } from '../normalise/phone-input.js'

/** Options of {@link dataQualityPlugin}. */
export interface DataQualityOptions {
  /**
   * The region national phone numbers are read in (`US`, `CN`…), or a function giving each tenant's setting. Without
   * it only international numbers (`+…`) are rewritten to E.164.
   */
  readonly defaultRegion?: DefaultRegion
}

/**
 * Data quality for a CRM: phone numbers typed in national form (`(415) 555-0101`) are stored as E.164 instead of
 * being refused, on contacts and leads.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { dataQualityPlugin } from '@rapport/data-quality'
 *
 * const crm = createCrm({ storage, plugins: [dataQualityPlugin({ defaultRegion: 'US' })] as const })
 * const ada = await crm.contacts.create({ firstName: 'Ada', phones: [{ number: '(415) 555-0101' }] })
 * ada.phones[0].number // '+14155550101'
 * ```
 */
export function dataQualityPlugin(options: DataQualityOptions = {}): CrmPlugin<'data-quality', undefined> {
  const normalize = phoneNormalizer(options.defaultRegion)
  return definePlugin({
    id: 'data-quality',
    hooks: {
      contact: { normalize },
      lead: { normalize },
    },
  })
}
