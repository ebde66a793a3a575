// People: every identity with thumbnails of its faces; enrol by dropping photos (the faces found are shown before
// anything is kept); delete one face or a whole identity.
import { api, json, form, imageUrl } from './api.js';
import { h, dropZone } from './dom.js';

export function peopleView(main) {
  const list = h('div', { id: 'people' });
  const status = h('p', { role: 'status', id: 'people-status' });
  main.append(h('h2', {}, 'People'), enrolForm(() => refresh(list, status), status), status, list);
  refresh(list, status);
}

async function refresh(list, status) {
  try {
    const people = await json('/api/identities');
    const sections = await Promise.all(people.map((person) => personSection(person.name, () => refresh(list, status), status)));
    list.replaceChildren(people.length ? h('h3', {}, `${people.length} enrolled`) : h('p', { class: 'muted' }, 'Nobody is enrolled yet.'), ...sections);
  } catch (error) {
    list.replaceChildren(h('p', { class: 'error', role: 'alert' }, error.message));
  }
}

async function personSection(name, changed, status) {
  const details = await json(`/api/identities/${encodeURIComponent(name)}`);
  const thumbs = await Promise.all(details.faces.map(async (face) => h('li', {},
    h('img', { src: await imageUrl(face.thumbnail), alt: `${name}, from ${face.source || 'an earlier enrolment'}` }),
    h('span', {}, face.source || face.id),
    h('button', { class: 'danger', type: 'button', 'aria-label': `Delete face ${face.source || face.id} of ${name}`,
      onclick: () => remove(`/api/identities/${encodeURIComponent(name)}/faces/${face.id}`, `A face of ${name} was deleted.`, changed, status) }, 'Delete face'))));
  return h('section', { class: 'person', 'data-name': name, 'aria-label': name },
    h('header', {}, h('h3', {}, name), h('span', { class: 'muted' }, `${details.faces.length} face(s)`),
      h('button', { class: 'danger', type: 'button', onclick: () => remove(`/api/identities/${encodeURIComponent(name)}`, `${name} was deleted.`, changed, status) }, `Delete ${name}`)),
    h('ul', { class: 'thumbs' }, thumbs));
}

async function remove(path, done, changed, status) {
  try {
    await api(path, { method: 'DELETE' });
    status.textContent = done;
    status.className = 'good';
    changed();
  } catch (error) {
    status.textContent = error.message;
    status.className = 'error';
  }
}

function enrolForm(changed, status) {
  const name = h('input', { type: 'text', id: 'enrol-name', required: true, pattern: '[A-Za-z0-9_.\\-]{1,128}', autocomplete: 'off' });
  const preview = h('ul', { class: 'preview', id: 'enrol-preview', 'aria-label': 'Pictures to enrol' });
  const enrol = h('button', { type: 'submit', disabled: true }, 'Enrol');
  let chosen = [];
  const choose = async (files) => {
    chosen = files;
    enrol.disabled = true;
    preview.replaceChildren(...files.map((file) => h('li', { 'data-file': file.name },
      h('img', { src: URL.createObjectURL(file), alt: file.name }), h('span', { class: 'muted' }, 'Looking for faces…'))));
    await Promise.all(files.map(async (file, index) => {
      const note = preview.children[index].querySelector('span');
      try {
        const found = await json('/api/detections?landmarks=false', { method: 'POST', body: form('file', [file]) });
        const count = found.faces.length;
        note.textContent = count === 1 ? '1 face found' : count === 0 ? 'No face found: it will be skipped' : `${count} faces found: it will be skipped (one face per picture)`;
        note.className = count === 1 ? 'good' : 'error';
      } catch (error) {
        note.textContent = error.message;
        note.className = 'error';
      }
    }));
    enrol.disabled = false;
  };
  return h('form', {
    id: 'enrol',
    onsubmit: async (event) => {
      event.preventDefault();
      enrol.disabled = true;
      try {
        const result = await json(`/api/identities/${encodeURIComponent(name.value)}/faces`, { method: 'POST', body: form('picture', chosen) });
        status.textContent = `Enrolled ${result.enrolled} face(s) of ${result.name}.${result.skipped.length ? ' Skipped: ' + result.skipped.join('; ') : ''}`;
        status.className = 'good';
        preview.replaceChildren();
        chosen = [];
        changed();
      } catch (error) {
        status.textContent = error.message;
        status.className = 'error';
        enrol.disabled = false;
      }
    },
  },
  h('h3', {}, 'Enrol someone'),
  h('div', { class: 'options' }, h('label', { for: 'enrol-name' }, 'Name'), name),
  dropZone('enrol-files', 'Drop photos of this person here, or choose them:', 'image/*', true, choose),
  preview, enrol);
}
