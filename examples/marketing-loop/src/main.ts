import { createSqliteStorage } from '@rapport/storage-sqlite'
import { runMarketingLoop } from './marketing-loop.js'

// An in-memory SQLite database: the walkthrough is self-contained and repeatable.
const report = await runMarketingLoop(createSqliteStorage({ file: ':memory:' }), (line) => console.log(line))
for (const p of report.kpis)
  console.log(`  ${p.month} ${p.kpi}: ${p.value === null ? '-' : (100 * p.value).toFixed(1)} %`)
for (const title of report.alerts) console.log(`  task: ${title}`)
