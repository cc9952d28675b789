import { visit } from 'jsonc-parser';

const pointerSegment = (segment: string | number) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;

/**
 * The first member name that appears twice in one object of `text` (with its JSON Pointer), or
 * undefined when there is none. JSON.parse keeps the last of two equal names and other parsers the
 * first, so a signed document with a repeated name says different things to different readers.
 * Names are compared as decoded, so "iss" and "\u0069ss" are the same name. `text` must already be
 * known to be JSON (JSON.parse accepted it): this parser is lenient about comments and trailing commas.
 */
export function repeatedMember(text: string): { name: string; pointer: string } | undefined {
  const open: { names: Set<string>; path: string }[] = [];
  let found: { name: string; pointer: string } | undefined;
  visit(text, {
    onObjectBegin: (_offset, _length, _line, _column, pathSupplier) => {
      open.push({ names: new Set(), path: pathSupplier().map(pointerSegment).join('') });
      return found === undefined;
    },
    onObjectEnd: () => {
      open.pop();
    },
    onObjectProperty: (name) => {
      const current = open.at(-1);
      if (current === undefined || found !== undefined) return;
      if (current.names.has(name)) found = { name, pointer: current.path + pointerSegment(name) };
      current.names.add(name);
    },
  });
  return found;
}
