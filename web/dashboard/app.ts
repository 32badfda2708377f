import { ApiProblem, createApi, DashboardApi, Identity, localPeople, LocalPerson, Me } from './api';
import { byId, el } from './dom';
import { asTheme, connectToTeams, TeamsHost, Theme } from './host';
import { renderOverview } from './overview';
import { createRegisterView, registersIn } from './registers';
import { redrawServiceLevels, renderServiceLevels } from './service-levels';

/*
 * The dashboard tab. In Teams it signs in with the Teams SSO token and takes Teams' theme; outside Teams, on a
 * local bot, it says so in a banner and lets you choose who you are from the local directory. What a person
 * sees is the server's decision (`/me` lists the views); the page only leaves out what it was not given.
 */

type Section = 'overview' | 'service-levels' | 'registers';

const SECTION_LABELS: Readonly<Record<Section, string>> = { overview: 'Overview', 'service-levels': 'Service levels', registers: 'Registers' };
const PERSON_KEY = 'dashboard.person';

function setStatus(message: string): void {
  byId('status').textContent = message;
}

function showProblem(error: unknown): void {
  const message = error instanceof ApiProblem ? error.message : 'Something went wrong on our side. Please try again in a minute.';
  const problem = byId('problem');
  problem.textContent = message;
  problem.hidden = false;
  setStatus('');
}

function clearProblem(): void {
  byId('problem').hidden = true;
}

function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  redrawServiceLevels();
}

async function start(): Promise<void> {
  const teams = await connectToTeams();
  if (teams) {
    applyTheme(teams.theme);
    teams.onThemeChange(applyTheme);
    await showDashboard({ kind: 'teams', token: () => teams.token() }, teams);
    return;
  }
  // A local page may ask for a theme (?theme=dark) to check the look without Teams.
  applyTheme(asTheme(new URLSearchParams(location.search).get('theme') ?? undefined));
  const people = await localPeople();
  if (!people) {
    setStatus('');
    showProblem(new ApiProblem(401, 'Open the dashboard from the Social Media Desk app in Microsoft Teams.'));
    return;
  }
  chooseLocally(people);
}

/** Local mode: the banner and its person chooser; the choice is kept for this browser tab only. */
function chooseLocally(people: readonly LocalPerson[]): void {
  byId('local').hidden = false;
  const select = byId<HTMLSelectElement>('person');
  select.append(...people.map((person) => el('option', { attrs: { value: person.id } },
    person.roles.length > 0 ? `${person.name} (${person.roles.join(', ')})` : person.name)));
  const asked = new URLSearchParams(location.search).get('as') ?? sessionStorage.getItem(PERSON_KEY) ?? '';
  const known = people.some((person) => person.id === asked);
  select.value = known ? asked : '';
  select.addEventListener('change', () => {
    if (!select.value) return;
    sessionStorage.setItem(PERSON_KEY, select.value);
    // A fresh page for each person: nothing of the last person's stays on screen or in memory.
    const url = new URL(location.href);
    url.searchParams.set('as', select.value);
    location.assign(url.toString());
  });
  if (known) void showDashboard({ kind: 'local', personId: asked });
  else setStatus('Choose who you are to see the dashboard.');
}

async function showDashboard(identity: Identity, teams?: TeamsHost): Promise<void> {
  const api = createApi(identity);
  let me: Me;
  try {
    setStatus('Loading…');
    me = await api.me();
  } catch (error) {
    showProblem(error);
    return;
  }
  byId('who').textContent = me.local ? `${me.name} (local)` : me.name;
  const sections = sectionsFor(me);
  if (sections.length === 0) {
    setStatus('There is nothing on the dashboard for you. Your cases are in your chat with the bot ("my cases").');
    return;
  }
  const registers = registersIn(me.views);
  const registerView = registers.length > 0 ? createRegisterView(registers, {
    api,
    ...(teams ? { openLink: (url: string) => teams.openLink(url) } : {}),
    busy: (message) => { clearProblem(); setStatus(message); },
    done: (message) => setStatus(message ?? ''),
    problem: showProblem,
  }) : undefined;
  const nav = byId('views');
  nav.replaceChildren(...sections.map((section) => el('a', { attrs: { href: `#${section}`, id: `nav-${section}` } }, SECTION_LABELS[section])));
  nav.hidden = false;
  const loaded = new Set<Section>();
  const show = async () => {
    const wanted = location.hash.slice(1) as Section;
    const section = sections.includes(wanted) ? wanted : sections[0]!;
    for (const name of Object.keys(SECTION_LABELS) as Section[]) byId(`view-${name}`).hidden = name !== section;
    for (const link of nav.querySelectorAll('a')) {
      if (link.id === `nav-${section}`) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    clearProblem();
    if (section === 'registers') return registerView?.show();
    if (loaded.has(section)) return setStatus('');
    await loadSection(api, section).then(() => { loaded.add(section); setStatus(''); }, showProblem);
  };
  window.addEventListener('hashchange', () => void show());
  await show();
}

async function loadSection(api: DashboardApi, section: 'overview' | 'service-levels'): Promise<void> {
  setStatus(`Loading ${SECTION_LABELS[section].toLowerCase()}…`);
  if (section === 'overview') renderOverview(await api.overview());
  else renderServiceLevels(await api.serviceLevels());
}

function sectionsFor(me: Me): Section[] {
  const sections: Section[] = [];
  if (me.views.includes('overview')) sections.push('overview');
  if (me.views.includes('serviceLevels')) sections.push('service-levels');
  if (registersIn(me.views).length > 0) sections.push('registers');
  return sections;
}

void start().catch(showProblem);
