import { rapportProject } from '../../vitest.shared.ts'

// The browser flows build the UI, start the app and drive Debian's Chromium: give them room on a loaded machine.
export default rapportProject('example-crm-app', { testTimeout: 120_000, hookTimeout: 240_000 })
