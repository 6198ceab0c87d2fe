import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { Page, Task } from '../api.ts'
import { api, filterParam } from '../api.ts'

/** Open tasks by due date; done with one click (the version travels in If-Match). */
export function TasksPage() {
  const client = useQueryClient()
  const tasks = useQuery({
    queryKey: ['tasks', 'open'],
    queryFn: () =>
      api<Page<Task>>(
        `/tasks?${filterParam({ field: 'status', op: 'in', value: ['open', 'in_progress'] })}&sort=dueAt&limit=100`,
      ),
  })
  const done = useMutation({
    mutationFn: (task: Task) =>
      api<Task>(`/tasks/${task.id}`, { method: 'PATCH', body: { status: 'done' }, version: task.version }),
    onSettled: () => client.invalidateQueries({ queryKey: ['tasks'] }),
  })
  const now = Date.now()
  return (
    <>
      <h2>Tasks</h2>
      {done.error && <p className="refusal">{done.error.message}</p>}
      <table aria-busy={tasks.isPending}>
        <thead>
          <tr>
            <th>Task</th>
            <th>Due</th>
            <th>Assignee</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tasks.data?.data.map((t) => (
            <tr key={t.id}>
              <td>{t.title}</td>
              <td>
                {t.dueAt ? new Date(t.dueAt).toLocaleDateString() : '—'}{' '}
                {t.dueAt && Date.parse(t.dueAt) < now && <span className="badge breached">overdue</span>}
              </td>
              <td>{t.assigneeId ?? '—'}</td>
              <td>
                <button type="button" className="outline" onClick={() => done.mutate(t)}>
                  Done
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
