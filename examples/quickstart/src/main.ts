import { createMemoryStorage } from '@rapport/core/testing'
import { formatSummary, runQuickstart } from './quickstart.js'

const summary = await runQuickstart(createMemoryStorage())
console.log(formatSummary(summary))
