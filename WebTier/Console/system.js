// System: the app-tier instances, the queues (dead-letter queues marked) and the last requests, updated every 2 s.
import { json } from './api.js';
import { h } from './dom.js';

export function systemView(main) {
  const body = h('div', { id: 'system' }, h('p', { class: 'muted' }, 'Loading…'));
  const updated = h('p', { class: 'muted', id: 'system-updated' });
  main.append(h('h2', {}, 'System'), updated, body);
  const refresh = async () => {
    try {
      const state = await json('/api/system');
      body.replaceChildren(instances(state.instances), queues(state.queues), recent(state.recent),
        ...state.problems.map((p) => h('p', { class: 'error' }, p)));
      updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      body.replaceChildren(h('p', { class: 'error', role: 'alert' }, error.message));
    }
  };
  refresh();
  const timer = setInterval(refresh, 2000);
  return () => clearInterval(timer);
}

const table = (caption, headings, rows) => h('div', { class: 'table-wrap' }, h('table', {},
  h('caption', {}, caption),
  h('thead', {}, h('tr', {}, headings.map((x) => h('th', { scope: 'col' }, x)))),
  h('tbody', {}, rows.length ? rows.map((r) => h('tr', {}, r.map((x) => h('td', {}, String(x))))) : h('tr', {}, h('td', { colspan: headings.length }, 'None')))));

const instances = (list) => table(`App-tier instances: ${list.filter((i) => i.state === 'running').length} running, ${list.filter((i) => i.state === 'stopped').length} stopped`,
  ['Name', 'Instance', 'State'], list.map((i) => [i.name, i.id, i.state]));

const queues = (list) => table('Queues', ['Queue', 'Waiting', 'In flight', 'Kind'],
  list.map((q) => [q.name, q.visible, q.inFlight, q.deadLetter ? 'dead letters' : 'work']));

const recent = (list) => table('Recent requests (newest first)', ['Time', 'Kind', 'Subject', 'Outcome', 'Took'],
  list.map((r) => [new Date(r.at).toLocaleTimeString(), r.mode, r.subject, r.outcome, `${Math.round(r.milliseconds)} ms`]));
