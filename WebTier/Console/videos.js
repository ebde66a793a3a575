// Videos: upload one; its status moves live from uploaded to frames extracted to recognised (with how the frames
// voted) or failed (with the cause).
import { api, json } from './api.js';
import { h, dropZone } from './dom.js';

const finished = new Set(['recognised', 'failed']);

export function videosView(main) {
  const list = h('ul', { id: 'videos', class: 'cards' });
  const timers = new Set();
  main.append(h('h2', {}, 'Videos'),
    dropZone('video-file', 'Drop an MP4 video here, or choose one:', 'video/mp4', false, (files) => list.prepend(upload(files[0], timers))),
    list);
  return () => timers.forEach(clearInterval);
}

function upload(file, timers) {
  const status = h('p', { class: 'video-status', role: 'status' }, 'Uploading…');
  const item = h('li', { class: 'card' }, h('h3', {}, file.name), status);
  (async () => {
    try {
      const body = new FormData();
      body.append('video', file, file.name);
      const accepted = await json('/api/videos', { method: 'POST', body });
      const timer = setInterval(async () => {
        try {
          const state = await json(`/api/videos/${encodeURIComponent(accepted.stem)}`);
          status.className = `video-status status-${state.status}`;
          status.textContent = describe(state);
          if (finished.has(state.status)) { clearInterval(timer); timers.delete(timer); }
        } catch (error) {
          if (error.status !== 404) status.textContent = error.message;
        }
      }, 1000);
      timers.add(timer);
      status.textContent = 'uploaded';
    } catch (error) {
      status.className = 'video-status error';
      status.textContent = error.message;
    }
  })();
  return item;
}

function describe(state) {
  switch (state.status) {
    case 'recognised': return `recognised: ${state.name}${state.note ? ` (${state.note})` : ''}`;
    case 'failed': return `failed: ${state.cause ?? 'no cause given'}`;
    case 'frames-extracted': return 'frames extracted, recognising…';
    default: return state.status;
  }
}
