/*
 * The demo page: a sample recap or pasted JSON in, the widget (render-progress.js) shows the render, the video
 * plays from the URL the server sends in `complete`. All rendering logic lives in the widget, so the page and
 * embedding sites run the same code. The template picker (template-picker.js) previews the recap in the text box
 * and adds its choice (`templateId`, `template`) to the request when it is sent, as the format checkboxes add
 * `formats`. A finished render shows what the server named in `assets`: the poster, the card, the other shapes and
 * the share link (with a copy button).
 *
 * Every change of the request is checked by the server (request-check.js, POST /validate) before the preview plays
 * it: an invalid request is named in the preview's caption in the server's words, and the preview comes back as
 * soon as the text is valid again. What the server would warn about (a template key it ignores, a cover it will
 * not fetch) is listed under the progress bar, and replaced by the render's own warnings when it is done.
 *
 * Each message has one place: what is wrong with the text is said under the preview (and Render waits until it
 * is fixed); the widget's status line says what happened to a render (its refusal or failure too); the page's own
 * box (#error) only says what stopped the page from sending one (a sample that did not load, a bad colour).
 *
 * With signing on (RENDER_SIGNING_KEYS), a page cannot sign: it takes a signed stream link that the backend, or
 * `tornado-render sign --stream REQUEST.json`, made. The link carries its request: the text box shows it (and the
 * preview plays it), and Render renders exactly that link. Editing the text drops the link (it no longer matches).
 */
'use strict';

const form = document.getElementById('form');
const sample = document.getElementById('sample');
const text = document.getElementById('request');
const button = document.getElementById('render');
const progress = document.getElementById('progress');
const errorBox = document.getElementById('error');
const warningsBox = document.getElementById('warnings');
const result = document.getElementById('result');
const video = document.getElementById('video');
const link = document.getElementById('video-link');
const shapes = document.getElementById('shapes');
const shareBox = document.getElementById('share');
const shareLink = document.getElementById('share-link');
const copyStatus = document.getElementById('copy-status');
const signing = document.getElementById('signing');
const signedLink = document.getElementById('signed-link');
const signedStatus = document.getElementById('signed-status');
const picker = window.TemplatePicker;
const SHAPE_NAMES = {square: 'Square video (1080 × 1080)', landscape: 'Landscape video (1920 × 1080)'};
const CHECK_DELAY_MS = 250;

// The server is whatever serves this page (also behind a reverse proxy that mounts it under a path).
const server = new URL('.', location.href).href;
progress.server = server;

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

function showWarnings(warnings) {
  warningsBox.replaceChildren(...warnings.map((warning) => {
    const item = document.createElement('li');
    item.textContent = warning;
    return item;
  }));
  warningsBox.hidden = warnings.length === 0;
}

/** The request the page would send: the text, with the picker's choice and the ticked formats; or {error}. */
function pageRequest() {
  let request;
  try {
    request = JSON.parse(text.value);
  } catch (error) {
    return {error: `The text is not valid JSON: ${error.message}`};
  }
  const choice = picker.choice();
  if (choice.error) return {error: choice.error, picker: true};
  if (request !== null && typeof request === 'object' && !Array.isArray(request)) {
    // The picker's choice replaces any templateId/template in the pasted text: the preview shows the picker's.
    delete request.templateId;
    delete request.template;
    Object.assign(request, choice);
    // Ticked shapes are added to the ones the text asks for (none ticked: the request is sent as it is).
    const ticked = [...form.querySelectorAll('input[name="format"]:checked')].map((box) => box.value);
    if (ticked.length) {
      const asked = Array.isArray(request.formats) ? request.formats : ['story'];
      request.formats = [...new Set([...asked, ...ticked])];
    }
  }
  return {request};
}

let pending = null;
let timer = null;
// Render is off while a sample loads or a render runs, and while the text is known to be refused.
let busy = false;
let refused = false;

function updateButton() {
  button.disabled = busy || refused;
  button.title = refused ? 'The request has the problems named under the preview' : '';
}

/** Ask the server about the current request, then let the preview play it or say what is wrong. */
async function checkRequest() {
  if (pending) pending.abort();
  const controller = new AbortController();
  pending = controller;
  const {request, error, picker: pickerError} = pageRequest();
  if (error) {
    // A bad colour is shown beside its control (and the preview keeps the last one); a bad text in the caption.
    if (!pickerError) {
      picker.setProblem(error);
      refused = true;
      updateButton();
    }
    return;
  }
  let verdict;
  try {
    verdict = await window.RequestCheck.check(server, request, {signal: controller.signal});
  } catch (aborted) {
    return;
  }
  if (pending !== controller) return;
  pending = null;
  refused = verdict.state === 'invalid';
  updateButton();
  if (verdict.state === 'valid') {
    picker.setRecap(request.data);
    showWarnings(verdict.warnings);
  } else if (verdict.state === 'invalid') {
    // Sentences, each ending with a full stop (the server's have none).
    picker.setProblem(verdict.problems.map((problem) => problem.replace(/[.\s]*$/, '.')).join(' '));
    showWarnings([]);
  } else {
    if (verdict.reason === 'signed') signing.open = true;
    picker.setRequestText(text.value);
  }
  document.body.dataset.checked = verdict.state;
}

function scheduleCheck() {
  clearTimeout(timer);
  delete document.body.dataset.checked;
  timer = setTimeout(checkRequest, CHECK_DELAY_MS);
}

async function loadSample(name) {
  busy = true;
  updateButton();
  try {
    const response = await fetch(`static/samples/${encodeURIComponent(name)}.json`);
    if (!response.ok) throw new Error(`the sample ${name} could not be loaded (HTTP ${response.status})`);
    text.value = JSON.stringify(await response.json(), null, 2);
    forgetSignedLink();
    scheduleCheck();
  } catch (error) {
    showError(error.message);
  } finally {
    busy = false;
    updateButton();
  }
}

sample.addEventListener('change', () => {
  if (sample.value) loadSample(sample.value);
});

text.addEventListener('input', () => {
  sample.value = '';
  forgetSignedLink('The text changed, so the signed link (made for the earlier request) was dropped: sign this one.');
  scheduleCheck();
});

// The picker's controls and the format boxes change the request too.
for (const box of [document.getElementById('template-picker'), document.getElementById('formats')]) {
  box.addEventListener('input', scheduleCheck);
  box.addEventListener('change', scheduleCheck);
}

/** The request inside a signed stream link (its `data`), or null when the text is not such a link. */
function linkedRequest(value) {
  let url;
  try {
    url = new URL(value.trim(), server);
  } catch (error) {
    return null;
  }
  const data = url.searchParams.get('data');
  if (!url.pathname.endsWith('/render-stream') || data === null || !url.searchParams.has('sig')) return null;
  try {
    return JSON.parse(data);
  } catch (error) {
    return null;
  }
}

function forgetSignedLink(reason) {
  if (!signedLink.value) return;
  signedLink.value = '';
  signedStatus.textContent = reason || '';
}

signedLink.addEventListener('input', () => {
  if (!signedLink.value.trim()) {
    signedStatus.textContent = '';
    return;
  }
  const request = linkedRequest(signedLink.value);
  if (request === null) {
    signedStatus.textContent =
      'This is not a signed stream link: expected …/render-stream?data=…&exp=…&sig=… (tornado-render sign prints one).';
    return;
  }
  text.value = JSON.stringify(request, null, 2);
  sample.value = '';
  signedStatus.textContent = 'Render uses this link: the request it was signed with is in the text box.';
  scheduleCheck();
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  errorBox.hidden = true;
  result.hidden = true;
  video.removeAttribute('src');
  video.load();
  if (signedLink.value.trim() && linkedRequest(signedLink.value) !== null) {
    busy = true;
    updateButton();
    progress.start(new URL(signedLink.value.trim(), server).href);
    return;
  }
  const {request, error} = pageRequest();
  if (error) {
    showError(error);
    return;
  }
  busy = true;
  updateButton();
  progress.start(request);
});

function showImage(name, url) {
  const figure = document.getElementById(`${name}-figure`);
  figure.hidden = !url;
  if (url) {
    document.getElementById(name).src = url;
    document.getElementById(`${name}-link`).href = url;
  }
}

function showAssets(assets) {
  showImage('poster', assets.poster);
  showImage('card', assets.card);
  video.poster = assets.poster || '';
  shapes.replaceChildren(...Object.keys(SHAPE_NAMES).filter((name) => assets[name]).map((name) => {
    const item = document.createElement('li');
    const anchor = document.createElement('a');
    anchor.href = assets[name];
    anchor.target = '_blank';
    anchor.rel = 'noopener';
    anchor.textContent = SHAPE_NAMES[name];
    item.append(anchor);
    return item;
  }));
  shapes.hidden = shapes.children.length === 0;
  shareBox.hidden = !assets.share;
  shareLink.value = assets.share || '';
  copyStatus.textContent = '';
}

document.getElementById('copy-share').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(shareLink.value);
    copyStatus.textContent = 'Copied to the clipboard.';
  } catch (error) {
    // No clipboard (an insecure page, or no permission): select the link so the reader can copy it.
    shareLink.select();
    copyStatus.textContent = 'Select the link and copy it.';
  }
});

progress.addEventListener('render-complete', (event) => {
  const {filename, s3Url, assets, warnings} = event.detail;
  video.src = s3Url;
  link.href = s3Url;
  link.textContent = `Open ${filename}`;
  showAssets(assets || {});
  showWarnings(warnings || []);
  result.hidden = false;
  busy = false;
  updateButton();
});

// The widget says what went wrong (its status line); the page only lets the reader try again.
progress.addEventListener('render-error', () => {
  busy = false;
  updateButton();
});

loadSample(sample.value);
