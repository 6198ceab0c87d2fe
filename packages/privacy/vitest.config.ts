import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('privacy', { testTimeout: 60_000 })
