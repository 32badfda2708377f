import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { ServiceLevels } from './api';
import { byId, el, table } from './dom';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

let charts: Chart[] = [];
let shown: ServiceLevels | undefined;

/**
 * One stacked bar chart a clock (met, missed, week by week), each with the same numbers as a table under
 * "Show as a table": the canvas is a picture, the table is what screen readers and keyboards use.
 */
export function renderServiceLevels(levels: ServiceLevels): void {
  shown = levels;
  for (const chart of charts) chart.destroy();
  charts = [];
  const colours = themeColours();
  const boxes = levels.series.map((series) => {
    const met = sum(series.met);
    const missed = sum(series.missed);
    const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `${series.label}: ${met} met and ${missed} missed in the last ${levels.weeks.length} weeks. The table below gives each week.` } });
    const rows = levels.weeks.map((week, index) => {
      const weekMet = series.met[index] ?? 0;
      const weekMissed = series.missed[index] ?? 0;
      const total = weekMet + weekMissed;
      return [week, weekMet, weekMissed, total === 0 ? '–' : `${Math.round((100 * weekMet) / total)}%`];
    });
    const box = el('div', { className: 'card' },
      el('h3', {}, series.label),
      el('div', { className: 'chart-box' }, canvas),
      el('details', {}, el('summary', {}, 'Show as a table'), table(`${series.label}, week by week`, ['Week', 'Met', 'Missed', 'Met in time'], rows, [1, 2, 3])),
    );
    return { box, canvas, series };
  });
  byId('service-level-charts').replaceChildren(...(boxes.length > 0 ? boxes.map(({ box }) => box) : [el('p', {}, 'No service levels to show.')]));
  for (const { canvas, series } of boxes) {
    charts.push(new Chart(canvas, {
      type: 'bar',
      data: {
        labels: levels.weeks.map(shortWeek),
        datasets: [
          { label: 'Met', data: [...series.met], backgroundColor: colours.met, stack: 'clock' },
          { label: 'Missed', data: [...series.missed], backgroundColor: colours.missed, stack: 'clock' },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        color: colours.text,
        scales: {
          x: { stacked: true, ticks: { color: colours.text }, grid: { color: colours.border } },
          y: { stacked: true, beginAtZero: true, ticks: { color: colours.text, precision: 0 }, grid: { color: colours.border } },
        },
        plugins: { legend: { labels: { color: colours.text } } },
      },
    }));
  }
}

/** Draws the charts again in the theme's colours (Teams' theme changed). */
export function redrawServiceLevels(): void {
  if (shown) renderServiceLevels(shown);
}

function themeColours(): { met: string; missed: string; text: string; border: string } {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string) => style.getPropertyValue(name).trim();
  return { met: read('--met'), missed: read('--missed'), text: read('--text'), border: read('--border') };
}

/** "2026-W48" -> "W48": the year is in the table. */
function shortWeek(week: string): string {
  return /W\d+$/.exec(week)?.[0] ?? week;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
