import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('example-custom-adapter')
