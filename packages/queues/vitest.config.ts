import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('queues', { testTimeout: 60_000 })
