/** Small DOM helpers: text always goes in as text (never HTML), so nothing a person typed becomes markup. */

type Child = Node | string | number | null | undefined | false;

export interface ElementOptions {
  readonly className?: string;
  readonly attrs?: Readonly<Record<string, string>>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElementOptions = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className) element.className = options.className;
  for (const [name, value] of Object.entries(options.attrs ?? {})) element.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element as T;
}

/** A table with a caption, a header row and body rows; cells of the body may be nodes (a link). */
export function table(caption: string, headers: readonly string[], rows: readonly Child[][], numeric: readonly number[] = []): HTMLTableElement {
  const cellClass = (index: number) => (numeric.includes(index) ? { className: 'count' } : {});
  return el('table', {},
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, ...headers.map((header, index) => el('th', { ...cellClass(index), attrs: { scope: 'col' } }, header)))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((cell, index) => el(index === 0 ? 'th' : 'td', index === 0 ? { attrs: { scope: 'row' } } : cellClass(index), cell))))),
  );
}
