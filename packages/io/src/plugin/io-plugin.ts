import type { CrmPlugin } from '@rapport/core'
import { definePlugin } from '@rapport/core'
import { importJobEntity, savedMappingEntity } from '../import/import-entities.js'

/**
 * Declares what imports store: import jobs with their row checkpoint (`ioImport`, so an interrupted import resumes)
 * and saved mappings (`ioMapping`). Import and export themselves are functions over a CRM
 * ({@link importRecords}, {@link exportRecords}).
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { importRecords, ioPlugin } from '@rapport/io'
 *
 * const crm = createCrm({ storage, plugins: [ioPlugin()] as const })
 * await crm.migrate()
 * await importRecords(crm, { entity: 'contact', file: 'contacts.csv', mapping, upsertKey: 'email' })
 * ```
 */
export function ioPlugin(): CrmPlugin<'io', undefined> {
  return definePlugin({
    id: 'io',
    schema: { entities: [importJobEntity, savedMappingEntity] },
    errorCodes: {
      BAD_FILE: 'The file cannot be read at all (no header, not a workbook)',
      ENCODING_MISMATCH: 'The file is not in the encoding given',
      INVALID_MAPPING: 'The mapping is malformed, maps two columns to one field, or lacks the upsert key',
      MISSING_COLUMN: 'The mapping names a column the file does not have',
      UNKNOWN_FIELD:
        'The mapping names a field the entity does not have; details.suggestions lists close ones',
      RESUME_MISMATCH: 'The import to resume read another entity, file layout or upsert key',
      PLUGIN_REQUIRED: 'ioPlugin() is not installed',
    },
  })
}
