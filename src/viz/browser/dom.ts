/**
 * Building the page from machine text. Every string from the spec goes in as a text node or an
 * attribute value set through the DOM, never through innerHTML: a state named `<img onerror=...>`
 * is shown as those characters and nothing runs.
 */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    // Only our own code names attributes; an `href` is always a hash route or a blob we made.
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** A value as a reader of the kernel expects it: strings bare, everything else as JSON. */
export function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '(none)';
  return JSON.stringify(v);
}

/** `event(k: v, ...)`. */
export function formatEvent(e: { type?: unknown } & Record<string, unknown>): string {
  const args = Object.entries(e)
    .filter(([k]) => k !== 'type' && k !== 'from')
    .map(([k, v]) => `${k}: ${show(v)}`);
  return `${show(e.type)}${args.length ? `(${args.join(', ')})` : ''}`;
}
