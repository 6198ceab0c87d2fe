/**
 * `@rapport/io`: bulk data for Rapport. Streaming import of CSV (csv-parse) and XLSX (exceljs) files in UTF-8 or
 * GB18030, with header mapping and suggestions, saved mappings, transforms, upsert keys, overwrite policies, dry runs,
 * batched transactional writes, resume after a crash and a per-row results file; streaming export to CSV or XLSX
 * from any filter. A package of its own so a host that only needs duplicate detection (`@rapport/data-quality`) does
 * not pay for parser dependencies.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { exportRecords, importRecords, ioPlugin } from '@rapport/io'
 *
 * const crm = createCrm({ storage, plugins: [ioPlugin()] as const })
 * await importRecords(crm, { entity: 'contact', file: 'in.csv', mapping, upsertKey: 'email' })
 * await exportRecords(crm, { entity: 'contact', output: fs.createWriteStream('out.csv') })
 * ```
 *
 * @packageDocumentation
 */

export { escapeFormula } from './export/escape-formula.js'
export { type ExportOptions, exportRecords } from './export/export-records.js'
export { importCountsSchema, importJobEntity, savedMappingEntity } from './import/import-entities.js'
export { type ImportJob, loadMapping, openJob, saveMapping } from './import/import-job.js'
export type { ImportCounts, ImportOptions, ImportSummary, RowValidator } from './import/import-options.js'
export { RESULT_COLUMNS, type RowResult, resultsWriter } from './import/results-writer.js'
export { importRecords } from './import/run-import.js'
export { type KeySpec, keySpec, type UpsertKey, upsertKeys } from './import/upsert-key.js'
export {
  columnMappingSchema,
  type ImportMapping,
  importMappingSchema,
  type OverwritePolicy,
  overwritePolicies,
  type ResolvedColumn,
  resolveMapping,
} from './mapping/import-mapping.js'
export {
  type ImportTarget,
  importTargets,
  type TargetKind,
  type TargetSource,
} from './mapping/import-targets.js'
export { type MappedRow, type MappedValue, mapRow } from './mapping/map-row.js'
export { suggestMapping } from './mapping/suggest-mapping.js'
export {
  applyTransforms,
  type TransformFn,
  type TransformName,
  transformNames,
} from './mapping/transforms.js'
export { ioPlugin } from './plugin/io-plugin.js'
export { type ByteInput, byteStream } from './source/byte-input.js'
export { type CsvReadOptions, readCsv } from './source/csv-source.js'
export { decodeStream, detectEncoding, type ImportEncoding, importEncodings } from './source/encoding.js'
export type { RowSource, SourceRow } from './source/source-row.js'
export { cellText, readXlsx, type XlsxReadOptions } from './source/xlsx-source.js'
