import { createSqliteStorage } from '@rapport/storage-sqlite'
import { runImportAndClean } from './import-and-clean.js'

// An in-memory SQLite database: the walkthrough is self-contained and repeatable.
const story = await runImportAndClean(createSqliteStorage({ file: ':memory:' }))
for (const { file, counts } of story.imports) console.log(`${file}: ${JSON.stringify(counts)}`)
for (const names of story.review) console.log(`duplicate set to review: ${names.join(' / ')}`)
console.log(`merged ${story.merged} record(s); the clean list:`)
for (const line of story.exported) console.log(`  ${line}`)
