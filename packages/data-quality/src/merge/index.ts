export { mergeEntity } from './merge-entity.js'
export {
  MAX_MERGE_LOSERS,
  type MergeRequest,
  type MergeResult,
  mergeRecords,
  type RecordMergedEvent,
} from './merge-records.js'
export {
  DEFAULT_CONCAT_FIELDS,
  DEFAULT_UNION_FIELDS,
  mergeField,
  type SurvivorshipPolicy,
} from './survivorship.js'
