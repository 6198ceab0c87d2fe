/** `slaPolicies` → `sla-policies`: collection names as URL segments. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)
}

/** `slaPolicy` → `SlaPolicy`: entity names as OpenAPI component names. */
export function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1)
}
