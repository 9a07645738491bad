/**
 * Turns a Graphviz SVG string into an element safe to put in the page. Graphviz escapes the labels it
 * writes, and the SVG is parsed as XML (scripts in a DOMParser document never run); on top of that
 * anything executable is removed before the element is adopted: script and foreignObject elements,
 * event-handler attributes and links that are not fragment links. Graphviz's generated ids are
 * dropped too: a diagram appears several times in the player and ids must stay unique.
 */
export function parseSvg(text: string): SVGSVGElement {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.nodeName !== 'svg') throw new Error('diagram is not an SVG document');
  // <title> too: Graphviz's hold our internal node names; the site shows its own, richer tooltips.
  for (const bad of Array.from(root.querySelectorAll('script, foreignObject, iframe, object, embed, title'))) bad.remove();
  for (const el of [root, ...Array.from(root.querySelectorAll('*'))]) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || name === 'id' || name === 'xlink:title') el.removeAttribute(attr.name);
      else if ((name === 'href' || name === 'xlink:href') && !attr.value.startsWith('#')) el.removeAttribute(attr.name);
    }
  }
  return document.importNode(root, true) as unknown as SVGSVGElement;
}

/** The index N of the first class `<prefix>N` of an SVG group (`s12`, `t3`, `a0`). */
export function classIndex(el: Element, prefix: string): number | undefined {
  const re = new RegExp(`^${prefix}(\\d+)$`);
  for (const c of Array.from(el.classList)) {
    const m = re.exec(c);
    if (m) return Number(m[1]);
  }
  return undefined;
}
