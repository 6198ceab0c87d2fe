import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('core')
