import { rapportProject } from '../../vitest.shared.ts'

// The shared Postgres server runs several suites at once: migrations and the claim races get two minutes.
export default rapportProject('queues', { testTimeout: 120_000, hookTimeout: 120_000 })
