import { createSqliteStorage } from '@rapport/storage-sqlite'
import { runAccessDemo } from './access-demo.js'

// An in-memory SQLite database: the walkthrough is self-contained and repeatable.
const story = await runAccessDemo(createSqliteStorage({ file: ':memory:' }))
console.log(`Ray (rep) sees deals: ${story.ray.deals.join(', ')}; his client's phone: ${story.ray.phone}`)
console.log(`Ray opening Rae's deal: ${story.ray.othersDeal}; handing his deal to Rae: ${story.handOff}`)
console.log(`Mia (manager) sees deals: ${story.mia.deals.join(', ')}; the same phone: ${story.mia.phone}`)
