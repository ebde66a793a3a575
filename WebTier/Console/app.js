// The console: one page, four views chosen by the address's fragment (#recognise, #people, #videos, #system).
import { apiKey } from './api.js';
import { recogniseView } from './recognise.js';
import { peopleView } from './people.js';
import { videosView } from './videos.js';
import { systemView } from './system.js';

const views = { recognise: recogniseView, people: peopleView, videos: videosView, system: systemView };
const titles = { recognise: 'Recognise', people: 'People', videos: 'Videos', system: 'System' };
let stopCurrent = () => {};

function show() {
  const name = views[location.hash.slice(1)] ? location.hash.slice(1) : 'recognise';
  stopCurrent();
  const main = document.getElementById('view');
  main.replaceChildren();
  document.title = `${titles[name]} · FaceRecognition console`;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === `#${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  stopCurrent = views[name](main) ?? (() => {});
}

function showSignedIn() {
  const signedIn = apiKey.get() !== '';
  document.getElementById('sign-in-status').textContent = signedIn ? 'Signed in' : 'Not signed in: viewing only';
  document.getElementById('sign-out').hidden = !signedIn;
}

document.getElementById('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('api-key');
  apiKey.set(input.value.trim());
  input.value = '';
  showSignedIn();
});
document.getElementById('sign-out').addEventListener('click', () => { apiKey.set(''); showSignedIn(); });
window.addEventListener('hashchange', show);
showSignedIn();
show();
