import { openPgBossCrm } from './pg-boss-crm.js'

const { crm, queue } = openPgBossCrm(process.argv[2] as string)
await crm.migrate()
await queue.start()
process.send?.('ready')
