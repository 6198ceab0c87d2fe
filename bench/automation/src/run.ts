/**
 * `pnpm --filter @rapport/bench-automation bench`: compiled conditions of @rapport/automation against
 * json-rules-engine on the same 50-rule × 10k-fact CRM rule set, in the same run, using json-rules-engine's fastest
 * configurations (flat fact ids, and nested facts with a simple path resolver; the faster one is the baseline). Then
 * the durable path end to end is its own command (`bench:durable`, src/run-durable.ts). Writes
 * bench/results/automation.json.
 */
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import type { RecordSnapshot } from '@rapport/automation'
import { compileCondition, openCatalog } from '@rapport/automation'
import { Engine } from 'json-rules-engine'
import { median, timePasses } from './measure.js'
import { flatten, generateFacts, generateRules, toCondition, toJre } from './rule-set.js'

const RULES = 50
const FACTS = 10_000
const rules = generateRules()
const facts = generateFacts(FACTS)
const flat = facts.map(flatten)
const evals = RULES * FACTS
const now = new Date()

// Rapport: compile once to synchronous closures.
const compiled = rules.map((rule) => {
  const result = compileCondition(toCondition(rule.conditions), openCatalog)
  if (!result.ok) throw new Error(`rule ${rule.name} did not compile: ${JSON.stringify(result.issues)}`)
  return { name: rule.name, test: result.condition.test }
})
const snapshots: RecordSnapshot[] = facts.map((record) => ({
  record: record as unknown as Record<string, unknown>,
  before: null,
  now,
}))
const rapportFired = (s: RecordSnapshot) => compiled.filter((r) => r.test(s)).map((r) => r.name)

// json-rules-engine, flat facts (fact ids like `deal.amount`).
const jreFlat = new Engine(
  rules.map((r) => ({
    name: r.name,
    conditions: toJre(r.conditions) as never,
    event: { type: r.event, params: { rule: r.name } },
  })),
  { allowUndefinedFacts: true },
)
// json-rules-engine, nested facts with a cached dot-path resolver.
const pathCache = new Map<string, string[]>()
const jreResolver = new Engine(
  rules.map((r) => ({
    name: r.name,
    conditions: toJreNested(toJre(r.conditions)) as never,
    event: { type: r.event, params: { rule: r.name } },
  })),
  {
    allowUndefinedFacts: true,
    pathResolver: (object: unknown, path: string) => {
      let keys = pathCache.get(path)
      if (!keys) pathCache.set(path, (keys = path.replace(/^\$\./, '').split('.')))
      let v = object as Record<string, unknown> | undefined
      for (const k of keys) v = v?.[k] as Record<string, unknown> | undefined
      return v
    },
  },
)
function toJreNested(node: Record<string, unknown>): Record<string, unknown> {
  for (const key of ['all', 'any'] as const)
    if (key in node) return { [key]: (node[key] as Record<string, unknown>[]).map(toJreNested) }
  if ('not' in node) return { not: toJreNested(node['not'] as Record<string, unknown>) }
  const [root, ...rest] = (node['fact'] as string).split('.')
  return rest.length ? { ...node, fact: root, path: `$.${rest.join('.')}` } : node
}

// Verification: both engines fire exactly the same rules.
let mismatches = 0
let firings = 0
for (let i = 0; i < 2000; i++) {
  const ours = rapportFired(snapshots[i]!).sort()
  const theirs = (await jreFlat.run(flat[i]!)).events.map((e) => (e.params as { rule: string }).rule).sort()
  const nested = (await jreResolver.run(facts[i] as never)).events
    .map((e) => (e.params as { rule: string }).rule)
    .sort()
  firings += ours.length
  if (ours.join() !== theirs.join() || ours.join() !== nested.join()) mismatches++
}
console.log(`verification: ${mismatches} mismatches on 2000 facts (${firings} firings)`)
if (mismatches > 0) process.exit(1)

const rapportSync = () => {
  let n = 0
  for (const s of snapshots) for (const r of compiled) if (r.test(s)) n++
  return n
}
const rapportAwaitPerFact = async () => {
  let n = 0
  for (const s of snapshots) {
    await null // one await per event, as async fact loading would add
    for (const r of compiled) if (r.test(s)) n++
  }
  return n
}
const jrePass = (engine: Engine, input: readonly object[]) => async () => {
  let n = 0
  for (const f of input) n += (await engine.run(f as Record<string, unknown>)).events.length
  return n
}
const firingsPerPass = rapportSync()

const results: Record<string, { passesMs: number[]; evalsPerSecond: number }> = {}
const record = (name: string, passesMs: number[]) => {
  results[name] = {
    passesMs: passesMs.map((t) => Math.round(t * 10) / 10),
    evalsPerSecond: Math.round(evals / (median(passesMs) / 1000)),
  }
  console.log(`${name.padEnd(40)} ${results[name].evalsPerSecond.toLocaleString('en')} rule×fact evals/s`)
}
record('json-rules-engine (flat facts)', await timePasses(jrePass(jreFlat, flat), 2, 0))
record('json-rules-engine (nested + pathResolver)', await timePasses(jrePass(jreResolver, facts), 2, 0))
record('rapport compiled closures (sync)', await timePasses(rapportSync, 5, 3000))
record('rapport compiled closures (+1 await/fact)', await timePasses(rapportAwaitPerFact, 5, 3000))

const baseline = Math.max(
  results['json-rules-engine (flat facts)']!.evalsPerSecond,
  results['json-rules-engine (nested + pathResolver)']!.evalsPerSecond,
)
const speedup = results['rapport compiled closures (sync)']!.evalsPerSecond / baseline
const speedupAwait = results['rapport compiled closures (+1 await/fact)']!.evalsPerSecond / baseline
console.log(
  `speed-up vs json-rules-engine's fastest configuration: ${speedup.toFixed(0)}× (sync), ${speedupAwait.toFixed(0)}× (+1 await per fact)`,
)

const out = {
  generatedAt: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  machine: { cpus: cpus().length, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 10) / 10) },
  ruleSet: {
    rules: RULES,
    facts: FACTS,
    evaluationsPerPass: evals,
    firingsPerPass,
    verification: { facts: 2000, mismatches },
  },
  method:
    'Same process, same rules and facts. json-rules-engine 7.3.1: one reused Engine, await engine.run(facts) per fact object, 1 warm-up pass + 2 timed passes (the verification run warms it up too), in its two fastest configurations (flat fact ids; nested facts with a cached path resolver); the faster is the baseline. Rapport: compileCondition once per rule, then synchronous closures; >= 3 s warm-up, 5 timed passes. Metric: evaluations / median pass time.',
  results,
  baseline: { name: 'json-rules-engine fastest configuration', evalsPerSecond: baseline },
  speedup: { sync: Math.round(speedup), awaitPerFact: Math.round(speedupAwait), target: 100 },
}
writeFileSync(new URL('../../results/automation.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`)
console.log('wrote bench/results/automation.json')
