/** Runs `pass` until `warmupMs` elapsed (at least once), then `passes` timed passes; returns each pass in ms. */
export async function timePasses(pass: () => unknown, passes: number, warmupMs: number): Promise<number[]> {
  const start = performance.now()
  do await pass()
  while (performance.now() - start < warmupMs)
  const times: number[] = []
  for (let i = 0; i < passes; i++) {
    const t = performance.now()
    await pass()
    times.push(performance.now() - t)
  }
  return times
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}
