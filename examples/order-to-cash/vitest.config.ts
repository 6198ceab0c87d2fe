import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('example-order-to-cash', { testTimeout: 120_000 })
