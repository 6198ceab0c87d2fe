import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, Route, Router, Switch, useRoute } from 'wouter'
import { useHashLocation } from 'wouter/use-hash-location'
import { currentUser, DEMO_USERS, setCurrentUser } from './api.ts'
import { AnalyticsPage } from './pages/AnalyticsPage.tsx'
import { CompanyPage } from './pages/CompanyPage.tsx'
import { ContactPage } from './pages/ContactPage.tsx'
import { ContactsPage } from './pages/ContactsPage.tsx'
import { DealPage } from './pages/DealPage.tsx'
import { DealsBoard } from './pages/DealsBoard.tsx'
import { ImportPage } from './pages/ImportPage.tsx'
import { TasksPage } from './pages/TasksPage.tsx'
import { TicketsPage } from './pages/TicketsPage.tsx'

function NavLink({ href, children }: { href: string; children: string }) {
  const [active] = useRoute(`${href}/*?`)
  return (
    <li>
      <Link href={href} aria-current={active ? 'page' : undefined}>
        {children}
      </Link>
    </li>
  )
}

/** The demo's stand-in for signing in: every API call after a switch runs as that user, under the access policy. */
function UserSwitch({ user, onChange }: { user: string; onChange: (user: string) => void }) {
  return (
    <li>
      <select aria-label="Signed in as" value={user} onChange={(e) => onChange(e.target.value)}>
        {DEMO_USERS.map((u) => (
          <option key={u.id} value={u.id}>
            {u.label}
          </option>
        ))}
      </select>
    </li>
  )
}

/** The app shell: navigation and pages, routed by the URL hash so the server serves one index.html. */
export function App() {
  const queryClient = useQueryClient()
  const [user, setUser] = useState(currentUser)
  // Another user sees other records: drop every cached answer and remount the page, so it asks again as them.
  const switchUser = (next: string) => {
    setCurrentUser(next)
    queryClient.clear()
    setUser(next)
  }
  return (
    <Router hook={useHashLocation}>
      <header className="container">
        <nav className="top">
          <ul>
            <li>
              <strong>Rapport CRM</strong>
            </li>
          </ul>
          <ul>
            <NavLink href="/contacts">Contacts</NavLink>
            <NavLink href="/deals">Deals</NavLink>
            <NavLink href="/tasks">Tasks</NavLink>
            <NavLink href="/tickets">Tickets</NavLink>
            <NavLink href="/analytics">Analytics</NavLink>
            <NavLink href="/import">Import</NavLink>
            <UserSwitch user={user} onChange={switchUser} />
          </ul>
        </nav>
      </header>
      <main className="container" key={user}>
        <Switch>
          <Route path="/contacts/:id">{(p) => <ContactPage id={p.id} />}</Route>
          <Route path="/companies/:id">{(p) => <CompanyPage id={p.id} />}</Route>
          <Route path="/deals/:id">{(p) => <DealPage id={p.id} />}</Route>
          <Route path="/deals" component={DealsBoard} />
          <Route path="/tasks" component={TasksPage} />
          <Route path="/tickets" component={TicketsPage} />
          <Route path="/analytics" component={AnalyticsPage} />
          <Route path="/import" component={ImportPage} />
          <Route component={ContactsPage} />
        </Switch>
      </main>
    </Router>
  )
}
