/** The element with `id`, checked to be of `kind`; a missing element is a page bug, so it throws. */
export function el<T extends HTMLElement>(id: string, kind: { new (): T; prototype: T }): T {
  const node = document.getElementById(id);
  if (!(node instanceof kind)) throw new Error(`page is missing #${id}`);
  return node;
}

/** Sets text only when it changed, so aria-live regions announce real changes only. */
export function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** Shows or hides a node (the `hidden` attribute; the shared style makes it win over any display rule). */
export function show(node: HTMLElement, visible: boolean): void {
  if (node.hidden === visible) node.hidden = !visible;
}
