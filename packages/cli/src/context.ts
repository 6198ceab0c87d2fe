/** What a command runs with: its output streams and environment (the process's, or a test's). */
export interface CliContext {
  readonly stdout: NodeJS.WritableStream
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean }
  readonly env: NodeJS.ProcessEnv
}

/** Prints the result: one JSON document on stdout with `--json`, else the human lines. */
export function report(
  ctx: CliContext,
  json: boolean | undefined,
  data: unknown,
  human: readonly string[],
): void {
  if (json) ctx.stdout.write(`${JSON.stringify(data)}\n`)
  else for (const line of human) ctx.stdout.write(`${line}\n`)
}
