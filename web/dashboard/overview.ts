import type { Overview } from './api';
import { byId, el, table } from './dom';

/** Overview: three numbers that ask for action, then open cases per workflow and state. */
export function renderOverview(overview: Overview): void {
  const tile = (label: string, value: number, className = '') =>
    el('li', { className }, el('span', { className: 'number' }, value), el('span', {}, label));
  byId('overview-tiles').replaceChildren(
    tile('Due today', overview.dueToday),
    tile('Overdue', overview.overdue, 'overdue'),
    tile('My actions', overview.myActions),
  );
  const workflows = overview.workflows.map((workflow) => el('div', { className: 'card' },
    el('h3', {}, workflow.label),
    table(
      `${workflow.total} open, by state`,
      ['State', 'Open'],
      workflow.states.map((state) => [state.label, state.count]),
      [1],
    ),
  ));
  byId('overview-workflows').replaceChildren(
    ...(workflows.length > 0 ? workflows : [el('p', {}, 'No open cases you may see.')]),
  );
}
