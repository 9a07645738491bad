/** Small Markdown builders: the pages are assembled from these so escaping lives in one place. */

/** A table cell of plain text: escaped as text, and pipes would end the cell and newlines the row. */
export function cell(s: string | undefined): string {
  if (s === undefined || s === '') return '';
  return text(s).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** Inline code that survives backticks in the text. */
export function code(s: string): string {
  if (s === '') return '';
  const fence = s.includes('`') ? '``' : '`';
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  // GFM splits a row at every unescaped pipe, even inside a code span (an inline guard's `a || b`).
  const line = (cols: readonly string[]) => `| ${cols.map((c) => c.replace(/(?<!\\)\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Text that Markdown would otherwise read as emphasis or HTML. */
export function text(s: string): string {
  return s.replace(/([\\*_`<>[\]])/g, '\\$1');
}

/** Relative link from one generated page to another (both paths relative to the docs root). */
export function link(from: string, to: string, label: string): string {
  const up = from.split('/').length - 1;
  return `[${label}](${'../'.repeat(up)}${to})`;
}
