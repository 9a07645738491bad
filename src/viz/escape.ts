/**
 * Escaping for every language the visualizer writes text from machines into. State names, descriptions
 * and meta are the spec authors' free text: any of them may hold `<`, `"`, `&` or a backslash, and none
 * of them may ever become markup or code.
 */

/**
 * A Graphviz quoted string. A backslash is escaped too: Graphviz reads `\N`, `\G`, `\L` in labels as
 * substitutions and line justification, so a literal one must be `\\`. A newline becomes `\n`.
 */
export function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/** Text inside a Graphviz HTML-like label, an XML attribute or XML text. */
export function htmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * JSON to embed in a JavaScript file. `<` is written as \u003c so that `</script>` or `<!--` in a
 * machine's text cannot end or confuse a script element even if the file is ever inlined; U+2028 and
 * U+2029 are escaped because older engines do not accept them raw in string literals.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
