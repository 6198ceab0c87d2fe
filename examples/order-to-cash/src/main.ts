import { createSqliteStorage } from '@rapport/storage-sqlite'
import { runOrderToCash } from './order-to-cash.js'

// An in-memory SQLite database: the walkthrough is self-contained and repeatable.
const story = await runOrderToCash(createSqliteStorage({ file: ':memory:' }))
console.log(`lead converted into deal "${story.deal.name}", now ${story.deal.stage}`)
console.log(
  `quote: ${story.quote.lines.length} lines, subtotal ${story.quote.subtotalMinor}, tax ${story.quote.taxMinor}, total ${story.quote.totalMinor} (EUR cents)`,
)
console.log(
  `quote: ${story.quote.statuses.join(' → ')}; the contract it created is linked to it: ${story.contract.fromQuote}`,
)
console.log(`contract approval: ${story.approval.log.join(' → ')}; contract ${story.approval.status}`)
for (const [asOf, statuses] of Object.entries(story.statuses))
  console.log(`installments on ${asOf}: ${statuses.join(', ')}`)
for (const d of story.dunning)
  console.log(
    `dunning reminder: installment due ${d.dueDate}, step ${d.offset >= 0 ? '+' : ''}${d.offset} days`,
  )
console.log(`aging on 2026-03-15: ${story.aging.map((l) => `${l.bucket} ${l.outstandingMinor}`).join(', ')}`)
console.log(
  `balance: received ${story.balance.receivedMinor} of ${story.balance.amountMinor}, unreceived ${story.balance.unreceivedMinor}`,
)
