import type { DashboardApi, RegisterName, RegisterPage, RegisterQuery, ViewName } from './api';
import { byId, el, table } from './dom';

export const REGISTER_LABELS: Readonly<Record<RegisterName, string>> = {
  access: 'Access register',
  desk: 'Comms desk',
  ainm: 'AINM register',
  myTeam: 'My team',
};

/** The registers a person's views include, in a fixed order. */
export function registersIn(views: readonly ViewName[]): RegisterName[] {
  return (Object.keys(REGISTER_LABELS) as RegisterName[]).filter((name) => views.includes(`register:${name}`));
}

export interface RegisterDeps {
  readonly api: DashboardApi;
  /** Opens a case's deep link: in Teams through teams-js, else undefined (the link opens itself). */
  readonly openLink?: (url: string) => Promise<void>;
  readonly busy: (message: string) => void;
  readonly done: (message?: string) => void;
  readonly problem: (error: unknown) => void;
}

/**
 * The registers view: the form (register, search, status, order, rows per page) asks for the first page; Next and
 * Previous walk pages with the server's continuation tokens (kept here, one a page seen, so Previous needs no
 * offset the server cannot give); "Download CSV" fetches the whole filtered register as a file, in the same order.
 * The orders are the register's own (the server keeps its rows in each, so every page is in it), offered as the
 * server names them; the order shown is said above the table.
 */
export function createRegisterView(names: readonly RegisterName[], deps: RegisterDeps): { show(): Promise<void> } {
  const form = byId<HTMLFormElement>('register-form');
  const select = byId<HTMLSelectElement>('register');
  const previous = byId<HTMLButtonElement>('register-previous');
  const next = byId<HTMLButtonElement>('register-next');
  select.replaceChildren(...names.map((name) => el('option', { attrs: { value: name } }, REGISTER_LABELS[name])));
  /** tokens[i] asks for page i (tokens[0] is the first page: no token). */
  let tokens: (string | undefined)[] = [undefined];
  let page = 0;
  let loaded = false;

  const formQuery = (): Omit<RegisterQuery, 'continuation'> => ({
    q: byId<HTMLInputElement>('register-q').value.trim(),
    status: byId<HTMLSelectElement>('register-status').value,
    sort: byId<HTMLSelectElement>('register-sort').value,
    pageSize: Number(byId<HTMLSelectElement>('register-page-size').value) || 25,
  });
  const name = () => select.value as RegisterName;
  /** The query of the pages shown: Next, Previous and the CSV keep to it until Show is pressed again (a token belongs to one query). */
  let shownQuery = formQuery();

  const load = async (index: number) => {
    deps.busy(`Loading the ${REGISTER_LABELS[name()].toLowerCase()}…`);
    try {
      const token = tokens[index];
      const result = await deps.api.register(name(), { ...shownQuery, ...(token ? { continuation: token } : {}) });
      page = index;
      tokens = tokens.slice(0, index + 1);
      if (result.continuation) tokens.push(result.continuation);
      renderPage(result);
      deps.done();
      loaded = true;
    } catch (error) {
      deps.problem(error);
    }
  };

  const renderPage = (result: RegisterPage) => {
    byId('register-order').textContent = `${result.order}.`;
    offerOrders(byId<HTMLSelectElement>('register-sort'), name(), result);
    offerStates(byId<HTMLSelectElement>('register-status'), name(), result);
    const label = REGISTER_LABELS[name()];
    const linkColumn = result.columns.some((column) => column.key === 'reference');
    const columns = linkColumn ? result.columns : [{ key: 'reference', label: 'Reference' }, ...result.columns];
    const rows = result.rows.map((row) => columns.map((column, index) => {
      if (column.key === 'reference') return caseLink(row.reference, row.deepLink, deps.openLink);
      const cells = row.cells;
      const value = Array.isArray(cells) ? cells[linkColumn ? index : index - 1] : (cells as Record<string, unknown>)[column.key];
      return value === null || value === undefined ? '' : readable(String(value));
    }));
    const caption = `${label}, page ${page + 1}${result.rows.length === 0 ? ': nothing matches' : ''}`;
    const shown = table(caption, columns.map((column) => column.label), rows);
    shown.querySelector('caption')?.setAttribute('id', 'register-caption');
    byId('register-table').replaceChildren(shown);
    byId('register-page').textContent = `Page ${page + 1}`;
    previous.disabled = page === 0;
    next.disabled = tokens[page + 1] === undefined;
  };

  const firstPage = () => {
    shownQuery = formQuery();
    tokens = [undefined];
    void load(0);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    firstPage();
  });
  select.addEventListener('change', () => {
    const status = byId<HTMLSelectElement>('register-status');
    status.replaceChildren(el('option', { attrs: { value: '' } }, 'Any'));
    delete status.dataset.register;
    // A register's orders are its own: the new one starts in its first, and names its orders when it answers.
    const sort = byId<HTMLSelectElement>('register-sort');
    sort.replaceChildren(el('option', { attrs: { value: '' } }, 'Newest first'));
    delete sort.dataset.register;
    firstPage();
  });
  previous.addEventListener('click', () => void load(Math.max(0, page - 1)));
  next.addEventListener('click', () => void load(page + 1));
  byId('register-csv').addEventListener('click', async () => {
    deps.busy('Preparing the CSV file…');
    try {
      const { q, status, sort } = shownQuery;
      const file = await deps.api.registerCsv(name(), { q, status, sort });
      saveFile(file.blob, file.filename);
      deps.done(`Downloaded ${file.filename}.`);
    } catch (error) {
      deps.problem(error);
    }
  });

  return {
    async show() {
      if (!loaded) await load(0);
    },
  };
}

/**
 * The case's reference as a link to its Teams deep link (the bot's chat, the reference typed: the bot answers with
 * the case). Locally there is no Teams to open, and the server gives no link: the reference is plain text.
 */
function caseLink(reference: string, deepLink: string, openLink: RegisterDeps['openLink']): HTMLAnchorElement | string {
  if (!/^https:\/\/teams\.microsoft\.com\//i.test(deepLink)) return reference;
  const link = el('a', { attrs: { href: deepLink, target: '_blank', rel: 'noopener noreferrer', title: `Open ${reference} in the bot's chat` } }, reference);
  if (openLink) {
    link.addEventListener('click', (event) => {
      event.preventDefault();
      void openLink(deepLink);
    });
  }
  return link;
}

/** The register's orders, as the server names them, the one shown selected (once a register, kept while it is shown). */
function offerOrders(sort: HTMLSelectElement, register: RegisterName, result: RegisterPage): void {
  if (sort.dataset.register !== register) {
    sort.replaceChildren(...result.orders.map((order) => el('option', { attrs: { value: order.id } }, order.label)));
    sort.dataset.register = register;
  }
  sort.value = result.sort;
}

/**
 * The state filter's choices: the states seen in this register so far (the server matches a state's label or
 * code); the access register's rows are filtered by kind of access instead.
 */
function offerStates(status: HTMLSelectElement, register: RegisterName, result: RegisterPage): void {
  if (status.dataset.register !== register) {
    status.replaceChildren(el('option', { attrs: { value: '' } }, 'Any'));
    if (register === 'access') status.append(el('option', { attrs: { value: 'view' } }, 'View'), el('option', { attrs: { value: 'post' } }, 'Post on the Group\'s behalf'));
    status.dataset.register = register;
  }
  if (register === 'access' || !result.columns.some((column) => column.key === 'state')) return;
  const known = new Set([...status.options].map((option) => option.value));
  for (const row of result.rows) {
    const cells = row.cells;
    const state = Array.isArray(cells) ? undefined : (cells as Record<string, unknown>).state;
    if (typeof state === 'string' && state && !known.has(state)) {
      status.append(el('option', { attrs: { value: state } }, state));
      known.add(state);
    }
  }
}

function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = el('a', { attrs: { href: url, download: filename } });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const LONDON_TIME = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' });

/** A moment the server gives as an ISO time, shown in London time as people read it; anything else as it is. */
function readable(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/.test(value)) return value;
  const moment = new Date(value);
  return Number.isNaN(moment.getTime()) ? value : LONDON_TIME.format(moment);
}
