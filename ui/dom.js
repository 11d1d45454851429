// Building the DOM from data. Text always goes in as text nodes, never HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'class') el.className = value;
    else if (key === 'testid') el.dataset.testid = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

// Icons drawn for the app: 24x24, stroked with the current colour.
const ICONS = {
  today: ['M12 3v2', 'M12 19v2', 'M5 12H3', 'M21 12h-2', 'M6.3 6.3 4.9 4.9', 'M19.1 19.1l-1.4-1.4',
    'M6.3 17.7l-1.4 1.4', 'M19.1 4.9l-1.4 1.4', 'M16 12a4 4 0 1 1-8 0a4 4 0 0 1 8 0'],
  moments: ['M8 6h12', 'M8 12h12', 'M8 18h12', 'M4 6h.01', 'M4 12h.01', 'M4 18h.01'],
  settings: ['M4 7h10', 'M18 7h2', 'M4 17h4', 'M12 17h8', 'M14 5v4', 'M8 15v4'],
  heart: ['M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z'],
  check: ['M5 12.5l4.5 4.5L19 7.5'],
  // a path that leaves the straight line and comes back: an agreed exception
  exceptions: ['M3 17h5', 'M16 17h5', 'M8 17c1-6 7-6 8 0', 'M12 4v3', 'M10.5 5.5h3'],
  search: ['M11 18a7 7 0 1 1 0-14a7 7 0 0 1 0 14z', 'M16.5 16.5 21 21'],
  team: ['M9 11a3 3 0 1 0 0-6a3 3 0 0 0 0 6z', 'M3 20c0-3.3 2.7-6 6-6s6 2.7 6 6', 'M16 5.2a3 3 0 0 1 0 5.6', 'M18 14.3c1.8.8 3 2.6 3 4.7'],
  progress: ['M4 20V10', 'M10 20V4', 'M16 20v-7', 'M21 20H3'],
  insights: ['M3 12a9 9 0 1 0 9-9v9z', 'M15 3.5A9 9 0 0 1 20.5 9H15z'],
};

export function icon(name, extraClass = '') {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', `icon ${extraClass}`.trim());
  for (const d of ICONS[name] || []) {
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

// An SVG element with attributes; text through textContent only.
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null) continue;
    if (name === 'text') el.textContent = value;
    else el.setAttribute(name, value);
  }
  for (const child of children.flat()) if (child) el.append(child);
  return el;
}
