import { createSqliteStorage } from '@rapport/storage-sqlite'
import { formatSummary, runSalesPipeline } from './sales-pipeline.js'

// An in-memory SQLite database: the walkthrough is self-contained and repeatable.
const summary = await runSalesPipeline(createSqliteStorage({ file: ':memory:' }))
console.log(formatSummary(summary))
