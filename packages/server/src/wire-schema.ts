import * as z from 'zod'

/** An ISO-8601 instant on the wire, a `Date` in the SDK. */
const isoDate = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (text) => new Date(text),
  encode: (date) => date.toISOString(),
})

type Def = Record<string, unknown> & { type: string }
const cache = new WeakMap<z.ZodType, z.ZodType>()

/**
 * The JSON form of a zod schema: every `z.date()` inside becomes an ISO-8601 string decoded to a `Date`, so request
 * bodies validate against the SDK's own schemas and arrive at the services with real dates. Everything else (checks,
 * strictness, descriptions, defaults) is kept: nodes without dates are reused as they are.
 */
export function toWireSchema<S extends z.ZodType>(schema: S): z.ZodType<z.output<S>> {
  return wire(schema) as z.ZodType<z.output<S>>
}

function wire(schema: z.ZodType): z.ZodType {
  const cached = cache.get(schema)
  if (cached) return cached
  const result = rebuild(schema)
  cache.set(schema, result)
  return result
}

function rebuild(schema: z.ZodType): z.ZodType {
  const def = schema._zod.def as unknown as Def
  const with_ = (patch: Record<string, unknown>) => schema.clone({ ...def, ...patch } as never) as z.ZodType
  switch (def.type) {
    case 'date':
      return isoDate
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch': {
      const inner = def['innerType'] as z.ZodType
      const next = wire(inner)
      return next === inner ? schema : with_({ innerType: next })
    }
    case 'object': {
      const shape = def['shape'] as Record<string, z.ZodType>
      let changed = false
      const next: Record<string, z.ZodType> = {}
      for (const [key, value] of Object.entries(shape)) {
        next[key] = wire(value)
        if (next[key] !== value) changed = true
      }
      return changed ? with_({ shape: next }) : schema
    }
    case 'array': {
      const element = def['element'] as z.ZodType
      const next = wire(element)
      return next === element ? schema : with_({ element: next })
    }
    case 'union': {
      const options = def['options'] as z.ZodType[]
      const next = options.map(wire)
      return next.every((o, i) => o === options[i]) ? schema : with_({ options: next })
    }
    case 'record': {
      const valueType = def['valueType'] as z.ZodType
      const next = wire(valueType)
      return next === valueType ? schema : with_({ valueType: next })
    }
    default:
      return schema
  }
}
