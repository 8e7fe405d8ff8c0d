/**
 * A text node owned by `parent`, changed in place: a display updated every
 * second for days creates no node per update, and an unchanged value is not
 * written at all (so no needless layout, and aria-live stays quiet).
 */
export function textSlot(parent: HTMLElement): (text: string) => void {
  const node = document.createTextNode('');
  parent.replaceChildren(node);
  return (text) => {
    if (node.data !== text) node.data = text;
  };
}
