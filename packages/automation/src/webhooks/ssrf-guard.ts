import { isIP } from 'node:net'

function ipv4Parts(address: string): number[] | null {
  const parts = address.split('.').map(Number)
  return parts.length === 4 && parts.every((p) => Number.isInteger(p) && p >= 0 && p <= 255) ? parts : null
}

/**
 * Whether an IP address is private, loopback, link-local or otherwise not a public unicast address: IPv4
 * 0/8, 10/8, 100.64/10 (CGNAT), 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.168/16, 198.18/15, 224/4 and
 * above; IPv6 `::`, `::1`, fc00::/7, fe80::/10, ff00::/8, and IPv4-mapped/compatible forms of the IPv4 ranges.
 *
 * @example
 * ```ts
 * isPrivateAddress('10.1.2.3') // true
 * isPrivateAddress('93.184.216.34') // false
 * ```
 */
export function isPrivateAddress(address: string): boolean {
  const kind = isIP(address)
  if (kind === 4) {
    const [a, b, c] = ipv4Parts(address) as [number, number, number, number]
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 0 && c === 0) ||
      (a === 192 && b === 168) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    )
  }
  if (kind === 6) {
    const lower = address.toLowerCase()
    const mapped = lower.match(/^(?:0*:)*(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/)
    if (mapped) return isPrivateAddress(mapped[1] as string)
    const hexMapped = lower.match(/^(?:0*:)*ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/)
    if (hexMapped) {
      const hi = Number.parseInt(hexMapped[1] as string, 16)
      const lo = Number.parseInt(hexMapped[2] as string, 16)
      return isPrivateAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`)
    }
    if (lower === '::' || lower === '::1' || /^0*(:0*)*:0*1$/.test(lower)) return true
    const first = Number.parseInt(lower.split(':')[0] || '0', 16)
    return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00
  }
  return true
}
