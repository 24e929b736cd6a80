/*
 * The demo page: a sample recap or pasted JSON in, the widget (render-progress.js) shows the render, the video
 * plays from the URL the server sends in `complete`. All rendering logic lives in the widget, so the page and
 * embedding sites run the same code. The template picker (template-picker.js) previews the recap in the text box
 * and adds its choice (`templateId`, `template`) to the request when it is sent.
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
const picker = window.TemplatePicker;

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
  }
  button.disabled = true;
  progress.start(request);
});

progress.addEventListener('render-complete', (event) => {
  const {filename, s3Url} = event.detail;
  video.src = s3Url;
  link.href = s3Url;
  link.textContent = `Open ${filename}`;
  result.hidden = false;
  button.disabled = false;
});

progress.addEventListener('render-error', (event) => {
  showError(event.detail.message);
  button.disabled = false;
});

loadSample(sample.value);
