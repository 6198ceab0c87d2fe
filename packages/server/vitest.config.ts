import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('server', { testTimeout: 60_000 })
