/**
 * The custom-adapter example: a storage adapter over a Redis-style key-value store, written by following
 * `docs/guides/custom-storage-adapter.md`.
 *
 * @module
 */
export { createKeyValueStorage, type KeyValueStorageOptions } from './key-value-storage.js'
export { KvBatch, KvStore } from './kv-store.js'
