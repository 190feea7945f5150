/**
 * A strict parser for the XML subset an SVG string uses (elements, quoted attributes, text,
 * the five named entities and numeric references), so tests can check well-formedness and read
 * the tree without a DOM. It throws on anything a conforming XML parser would reject in that
 * subset: unclosed or mismatched tags, unquoted or repeated attributes, a raw `<` or `&` in text.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (entities decoded), its children's text excluded. */
  text: string;
}

const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(raw: string, at: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these, so the checker must find them
  if (/<|[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(raw)) {
    throw new Error(`xml: '<' or a control character in text or an attribute near offset ${at}`);
  }
  return raw.replace(/&([^;\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new Error(`xml: bare '&' near offset ${at}`);
    if (ref in ENTITIES) return ENTITIES[ref] as string;
    const numeric = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(ref);
    if (!numeric) throw new Error(`xml: unknown entity &${ref}; near offset ${at}`);
    const code = (numeric[1] as string).startsWith('x')
      ? Number.parseInt((numeric[1] as string).slice(1), 16)
      : Number(numeric[1]);
    return String.fromCodePoint(code);
  });
}

/** Parses one document whose root is a single element; returns the root. */
export function parseXml(source: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const text = source.slice(i, lt < 0 ? source.length : lt);
    const top = stack[stack.length - 1];
    if (top) top.text += decode(text, i);
    else if (text.trim() !== '') throw new Error(`xml: text outside the root near offset ${i}`);
    if (lt < 0) break;
    i = lt + 1;
    if (source[i] === '/') {
      const name = NAME.exec(source.slice(i + 1))?.[0];
      const close = source.indexOf('>', i);
      const open = stack.pop();
      if (!name || close < 0 || source.slice(i + 1 + name.length, close).trim() !== '') {
        throw new Error(`xml: malformed closing tag near offset ${i}`);
      }
      if (!open || open.name !== name) {
        throw new Error(`xml: </${name}> closes <${open?.name ?? 'nothing'}> near offset ${i}`);
      }
      i = close + 1;
      continue;
    }
    const name = NAME.exec(source.slice(i))?.[0];
    if (!name) throw new Error(`xml: bad tag name near offset ${i}`);
    if (root && stack.length === 0) throw new Error('xml: more than one root element');
    i += name.length;
    const element: XmlElement = { name, attributes: {}, children: [], text: '' };
    for (;;) {
      const space = /^\s*/.exec(source.slice(i))?.[0].length ?? 0;
      i += space;
      if (source.startsWith('/>', i) || source[i] === '>') break;
      if (space === 0) throw new Error(`xml: attributes need whitespace between them near ${i}`);
      const attribute = /^([A-Za-z_:][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(source.slice(i));
      if (!attribute) throw new Error(`xml: malformed attribute near offset ${i}`);
      const key = attribute[1] as string;
      if (key in element.attributes) throw new Error(`xml: repeated attribute ${key}`);
      element.attributes[key] = decode(attribute[3] ?? attribute[4] ?? '', i);
      i += attribute[0].length;
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root = element;
    if (source.startsWith('/>', i)) {
      i += 2;
    } else {
      i += 1;
      stack.push(element);
    }
  }
  if (stack.length > 0) throw new Error(`xml: <${stack[stack.length - 1]?.name}> is not closed`);
  if (!root) throw new Error('xml: no root element');
  return root;
}

/** Every element in document order (the root first). */
export function allElements(root: XmlElement): XmlElement[] {
  return [root, ...root.children.flatMap(allElements)];
}
