import { Link, Route, Router, Switch, useRoute } from 'wouter'
import { useHashLocation } from 'wouter/use-hash-location'
import { AnalyticsPage } from './pages/AnalyticsPage.tsx'
import { CompanyPage } from './pages/CompanyPage.tsx'
import { ContactPage } from './pages/ContactPage.tsx'
import { ContactsPage } from './pages/ContactsPage.tsx'
import { DealPage } from './pages/DealPage.tsx'
import { DealsBoard } from './pages/DealsBoard.tsx'
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

/** The app shell: navigation and pages, routed by the URL hash so the server serves one index.html. */
export function App() {
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
          </ul>
        </nav>
      </header>
      <main className="container">
        <Switch>
          <Route path="/contacts/:id">{(p) => <ContactPage id={p.id} />}</Route>
          <Route path="/companies/:id">{(p) => <CompanyPage id={p.id} />}</Route>
          <Route path="/deals/:id">{(p) => <DealPage id={p.id} />}</Route>
          <Route path="/deals" component={DealsBoard} />
          <Route path="/tasks" component={TasksPage} />
          <Route path="/tickets" component={TicketsPage} />
          <Route path="/analytics" component={AnalyticsPage} />
          <Route component={ContactsPage} />
        </Switch>
      </main>
    </Router>
  )
}
