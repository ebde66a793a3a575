// Small helpers to build the views: elements from a tag, attributes and children, and text that is never HTML.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value == null) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children.flat().filter((c) => c != null));
  return element;
}

const svgNs = 'http://www.w3.org/2000/svg';
export function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

// A drop zone around a file input: the input does the work (keyboard, screen readers), dropping files feeds it.
export function dropZone(id, label, accept, multiple, onFiles) {
  const input = h('input', { type: 'file', id, accept, multiple });
  input.addEventListener('change', () => input.files.length && onFiles([...input.files]));
  const zone = h('label', { class: 'drop', for: id }, label, input);
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => { e.preventDefault(); zone.classList.remove('over'); onFiles([...e.dataTransfer.files]); });
  return zone;
}

export const ms = (value) => `${Math.round(value)} ms`;
