import { openCrashCrm } from './crash-crm.js'

const file = process.argv[2] as string
const { crm, queue } = openCrashCrm(file)
await crm.migrate()
process.send?.('ready')
for (;;) {
  const ran = await queue.runDue()
  if (ran === 0) {
    process.send?.('idle')
    await new Promise((r) => setTimeout(r, 25))
  }
}
