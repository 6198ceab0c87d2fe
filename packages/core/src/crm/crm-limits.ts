/** Size limits that protect the storage from oversized or abusive input. */
export interface CrmLimits {
  /** Largest JSON size of one record's input, in bytes (default 256 KiB). */
  readonly maxRecordBytes: number
  /** Most records in one `createMany` / `updateMany` call (default 100,000). */
  readonly maxBatchSize: number
  /** Largest `limit` of one `list()` page (default 1,000). */
  readonly maxPageSize: number
  /** Default `limit` of `list()` (default 50). */
  readonly defaultPageSize: number
}

/** The default {@link CrmLimits}. */
export const DEFAULT_CRM_LIMITS: CrmLimits = Object.freeze({
  maxRecordBytes: 256 * 1024,
  maxBatchSize: 100_000,
  maxPageSize: 1000,
  defaultPageSize: 50,
})
