// Telling the person how it went: a short toast (with an undo, when there is
// one), and errors in words, next to the field they are about.
import { h, clear } from '../dom.js';
import { errorText, normalizeError } from '../i18n.js';

let toastTimer = null;
let undo = null; // the toast's undo while it shows, for Ctrl+Z

const toastBox = () => document.getElementById('toast');

export function toast(message, action) {
  const box = toastBox();
  clear(box);
  box.append(h('span', { text: message }));
  if (action) {
    box.append(h('button', {
      type: 'button', class: 'link', testid: 'toast-action', text: action.label,
      onclick: () => { hideToast(); action.run(); },
    }));
  }
  box.classList.add('shown');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(hideToast, action ? 10000 : 4000);
  undo = action?.run ?? null;
}

export function hideToast() {
  toastBox().classList.remove('shown');
  undo = null;
}

// The undo the toast offers now, if any.
export function pendingUndo() {
  return undo;
}

export function errorBox(error) {
  return h('p', { class: 'error', role: 'alert', testid: 'error', text: errorText(error) });
}

// Shows an error next to its field, or at the top of the form.
export function showFormError(form, error) {
  clearFormErrors(form);
  const err = normalizeError(error);
  const field = err.field && form.querySelector(`[data-field="${err.field}"]`);
  const box = errorBox(err);
  if (field) {
    const folded = field.closest('details');
    if (folded) folded.open = true;
    box.id = `${form.id}-${err.field}-error`;
    field.after(box);
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', box.id);
    field.focus();
  } else {
    form.prepend(box);
  }
}

export function clearFormErrors(form) {
  form.querySelectorAll('[data-testid="error"]').forEach((el) => el.remove());
  form.querySelectorAll('[aria-invalid]').forEach((el) => {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  });
}
