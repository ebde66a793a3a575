// Recognise: pictures in, each shown with its faces' boxes (landmarks on request), names and distances, the face the
// answer is about, and the request's timings.
import { api, form } from './api.js';
import { h, s, dropZone, ms } from './dom.js';

export function recogniseView(main) {
  const landmarks = h('input', { type: 'checkbox', id: 'show-landmarks' });
  const results = h('div', { class: 'cards', id: 'recognitions' });
  main.append(
    h('h2', {}, 'Recognise'),
    h('div', { class: 'options' }, h('label', { for: 'show-landmarks' }, landmarks, ' Show landmarks')),
    dropZone('recognise-files', 'Drop pictures here, or choose them:', 'image/*', true, (files) => {
      for (const file of files) results.prepend(recognise(file, landmarks.checked));
    }),
    results);
}

function recognise(file, withLandmarks) {
  const card = h('article', { class: 'card', 'aria-busy': 'true' }, h('h3', {}, file.name), h('p', { class: 'muted' }, 'Recognising…'));
  (async () => {
    try {
      const reply = await (await api(`/api/recognitions?landmarks=${withLandmarks}`, { method: 'POST', body: form('file', [file]) })).json();
      card.replaceChildren(h('h3', {}, file.name), picture(file, reply), summary(reply), facesTable(reply), timings(reply));
    } catch (error) {
      card.replaceChildren(h('h3', {}, file.name), h('p', { class: 'error', role: 'alert' }, error.message));
    }
    card.removeAttribute('aria-busy');
  })();
  return card;
}

function picture(file, reply) {
  const url = URL.createObjectURL(file);
  const image = h('img', { src: url, alt: `${file.name} with ${reply.faces.length} face(s) marked` });
  const overlay = s('svg', { viewBox: `0 0 ${reply.width} ${reply.height}`, 'aria-hidden': 'true', preserveAspectRatio: 'none' });
  const stroke = Math.max(2, reply.width / 300);
  reply.faces.forEach((face, index) => {
    const [x, y, width, height] = face.box;
    const isAnswer = index === reply.answerFace;
    const colour = face.name === 'Unknown' ? '#f59e0b' : '#22c55e';
    const group = s('g', { class: 'face', 'data-name': face.name, 'data-answer': isAnswer });
    group.append(s('rect', { x, y, width, height, fill: 'none', stroke: colour, 'stroke-width': isAnswer ? stroke * 2 : stroke }));
    const label = face.distance == null ? face.name : `${face.name} ${face.distance.toFixed(2)}`;
    group.append(s('text', { x, y: Math.max(y - stroke * 2, stroke * 8), fill: colour, 'font-size': Math.max(14, reply.width / 40), 'font-weight': isAnswer ? 700 : 400 }, label));
    for (let i = 0; face.landmarks && i < face.landmarks.length; i += 2) {
      group.append(s('circle', { cx: face.landmarks[i], cy: face.landmarks[i + 1], r: stroke, fill: '#ef4444' }));
    }
    overlay.append(group);
  });
  return h('figure', {}, image, overlay);
}

function summary(reply) {
  const answer = reply.answerFace == null ? null : reply.faces[reply.answerFace];
  const why = reply.kind === 'NoFace' ? 'no face found' : answer?.distance == null ? '' : `distance ${answer.distance.toFixed(3)}, threshold ${reply.threshold}`;
  return h('p', { class: 'answer' }, 'Answer: ', h('strong', {}, reply.answer), why ? ` (${why})` : '');
}

function facesTable(reply) {
  if (reply.faces.length === 0) return null;
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', { class: 'muted' }, `${reply.faces.length} face(s), most confident first`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Face'), h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Distance'), h('th', { scope: 'col' }, 'Score'))),
    h('tbody', {}, reply.faces.map((face, index) => h('tr', {},
      h('td', {}, `${index + 1}${index === reply.answerFace ? ' (answer)' : ''}`), h('td', {}, face.name),
      h('td', {}, face.distance == null ? '–' : face.distance.toFixed(3)), h('td', {}, face.score.toFixed(2)))))));
}

function timings(reply) {
  const t = reply.timings;
  return t ? h('p', { class: 'muted' }, `Request ${reply.requestId}: download ${ms(t.download)}, recognise ${ms(t.recognize)}, store ${ms(t.store)}, app tier total ${ms(t.total)}`) : null;
}
