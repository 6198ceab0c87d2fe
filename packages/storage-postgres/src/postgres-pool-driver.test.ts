import { describe, expect, it } from 'vitest'
import { StatementNames } from './postgres-pool-driver.js'

const SELECT = 'select * from "contact" where "id" = $1'

describe('StatementNames', () => {
  it('names a read or an INSERT on its second run, never an UPDATE or a DELETE', () => {
    const names = new StatementNames()
    expect(names.nameFor(SELECT)).toBeUndefined()
    expect(names.nameFor(SELECT)).toBe('rapport_1')
    expect(names.nameFor(SELECT)).toBe('rapport_1')
    const insert = 'insert into "contact" ("id", "x") values ($1, $2)'
    expect(names.nameFor(insert)).toBeUndefined()
    expect(names.nameFor(insert)).toBe('rapport_2')
    for (const write of ['update "contact" set "x" = $1', 'delete from "contact" where "id" = $1']) {
      expect(names.nameFor(write)).toBeUndefined()
      expect(names.nameFor(write)).toBeUndefined()
    }
  })

  it('a stale name is renewed once for all connections, never reused for another text, then banned', () => {
    const names = new StatementNames()
    names.nameFor(SELECT)
    const first = names.nameFor(SELECT)!
    const renewed = names.renew(SELECT, first)!
    expect(renewed).not.toBe(first)
    // A second connection reporting the same stale name gets the already-renewed one.
    expect(names.renew(SELECT, first)).toBe(renewed)
    expect(names.nameFor(SELECT)).toBe(renewed)
    const other = 'select * from "deal" where "id" = $1'
    names.nameFor(other)
    expect([first, renewed]).not.toContain(names.nameFor(other))
    expect(names.renew(SELECT, renewed)).toBeDefined()
    expect(names.renew(SELECT, names.nameFor(SELECT)!)).toBeDefined()
    expect(names.renew(SELECT, names.nameFor(SELECT)!)).toBeUndefined()
    expect(names.nameFor(SELECT)).toBeUndefined()
  })
})
