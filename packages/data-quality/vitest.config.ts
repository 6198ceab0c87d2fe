import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('data-quality', { testTimeout: 60_000 })
