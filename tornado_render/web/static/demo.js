/*
 * The demo page: a sample recap or pasted JSON in, the widget (render-progress.js) shows the render, the video
 * plays from the URL the server sends in `complete`. All rendering logic lives in the widget, so the page and
 * embedding sites run the same code. The template picker (template-picker.js) previews the recap in the text box
 * and adds its choice (`templateId`, `template`) to the request when it is sent, as the format checkboxes add
 * `formats`. A finished render shows what the server named in `assets`: the poster, the card, the other shapes and
 * the share link (with a copy button).
 */
'use strict';

const form = document.getElementById('form');
const sample = document.getElementById('sample');
const text = document.getElementById('request');
const button = document.getElementById('render');
const progress = document.getElementById('progress');
const errorBox = document.getElementById('error');
const result = document.getElementById('result');
const video = document.getElementById('video');
const link = document.getElementById('video-link');
const shapes = document.getElementById('shapes');
const shareBox = document.getElementById('share');
const shareLink = document.getElementById('share-link');
const copyStatus = document.getElementById('copy-status');
const picker = window.TemplatePicker;
const SHAPE_NAMES = {square: 'Square video (1080 × 1080)', landscape: 'Landscape video (1920 × 1080)'};

// The server is whatever serves this page (also behind a reverse proxy that mounts it under a path).
progress.server = new URL('.', location.href).href;

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

async function loadSample(name) {
  button.disabled = true;
  try {
    const response = await fetch(`static/samples/${encodeURIComponent(name)}.json`);
    if (!response.ok) throw new Error(`the sample ${name} could not be loaded (HTTP ${response.status})`);
    text.value = JSON.stringify(await response.json(), null, 2);
    picker.setRequestText(text.value);
  } catch (error) {
    showError(error.message);
  } finally {
    button.disabled = false;
  }
}

sample.addEventListener('change', () => {
  if (sample.value) loadSample(sample.value);
});

text.addEventListener('input', () => {
  sample.value = '';
  picker.setRequestText(text.value);
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  errorBox.hidden = true;
  result.hidden = true;
  video.removeAttribute('src');
  video.load();
  let request;
  try {
    request = JSON.parse(text.value);
  } catch (error) {
    showError(`The text is not valid JSON: ${error.message}`);
    return;
  }
  const choice = picker.choice();
  if (choice.error) {
    showError(choice.error);
    return;
  }
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
  button.disabled = true;
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
  const {filename, s3Url, assets} = event.detail;
  video.src = s3Url;
  link.href = s3Url;
  link.textContent = `Open ${filename}`;
  showAssets(assets || {});
  result.hidden = false;
  button.disabled = false;
});

progress.addEventListener('render-error', (event) => {
  showError(event.detail.message);
  button.disabled = false;
});

loadSample(sample.value);
