/*
 * The demo page's template picker and preview.
 *
 * Presets come from GET /templates (with their thumbnails); the accent and background colors and each scene's layout
 * are controls over the chosen preset. The preview is Remotion's Player from preview/player.js, which the server
 * builds with its bundle from the same composition code, so it shows the picture the server will render: the recap
 * in the request box, with the preset's template and the controls laid over it, resolved by the composition's own
 * resolver. What the page sends is `choice()`: the preset as `templateId`, and as `template` only the controls
 * that differ from the preset (the server lays them over it the same way).
 *
 * A color that is not a CSS color never reaches the preview (it keeps the last picture) and is refused before a
 * render is sent. Without /templates or without the preview script the page still renders: with the server's
 * default template, or without a preview.
 *
 * The recap reaches the preview only once the server has found it valid (demo.js asks POST /validate, then calls
 * `setRecap`); an invalid one is `setProblem`: the caption says what is wrong and the preview keeps the last good
 * picture. Should drawing still fail, the preview's own error boundary shows the message in the box and the caption
 * says it too; the next valid recap plays again. The figure's `data-state` is playing, invalid or failed.
 */
'use strict';

window.TemplatePicker = (() => {
  const base = new URL('.', location.href);
  const presetsBox = document.getElementById('presets');
  const presetsStatus = document.getElementById('presets-status');
  const previewBox = document.getElementById('preview');
  const previewStatus = document.getElementById('preview-status');
  const colorInputs = Array.from(document.querySelectorAll('#template-picker input[data-color]'));
  const layoutSelects = Array.from(document.querySelectorAll('#template-picker select[data-scene]'));

  /** @type {Array<{id: string, name: string, template: object, thumbnailUrl: string}>} */
  let presets = [];
  let presetId = null;
  /** The controls' values as the chosen preset sets them: a control that differs from these is an override. */
  let presetValues = {colors: {}, layouts: {}};
  let recap = null;
  let preview = null;
  /** What is wrong with the text box's request (the server's words), or null when the preview plays it. */
  let problem = null;
  const figure = previewBox.closest('figure');

  const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

  /** The preview's API (preview/player.js), or null until it has loaded (or when what loaded is not one). */
  function api() {
    const candidate = window.RecapPreview;
    const usable =
      candidate && ['mount', 'resolveTemplate', 'isCssColor'].every((name) => typeof candidate[name] === 'function');
    return usable ? candidate : null;
  }

  function merge(...layers) {
    const out = {};
    for (const layer of layers.filter(isObject)) {
      for (const [key, value] of Object.entries(layer)) {
        out[key] = isObject(value) && isObject(out[key]) ? merge(out[key], value) : value;
      }
    }
    return out;
  }

  const chosenPreset = () => presets.find((preset) => preset.id === presetId) || null;

  /** The complete template of these layers: the composition's resolver when the preview is loaded. */
  function resolve(layers) {
    if (api()) return api().resolveTemplate(...layers);
    // Without the preview script: the default preset is complete, the others are laid over it.
    const fallback = presets.find((preset) => preset.id === 'default');
    return merge(fallback ? fallback.template : {}, ...layers);
  }

  const presetLayers = () => (chosenPreset() ? [chosenPreset().template] : []);

  function isColor(text) {
    return api() ? api().isCssColor(text) : true;
  }

  /** `#rrggbb` for a valid CSS color (what <input type=color> takes), by the browser's own parsing. */
  function toHex(color) {
    const context = document.createElement('canvas').getContext('2d');
    context.fillStyle = '#000000';
    context.fillStyle = color;
    const parsed = context.fillStyle;
    if (parsed.startsWith('#')) return parsed;
    const [r, g, b] = parsed.match(/[\d.]+/g).map(Number);
    return `#${[r, g, b].map((channel) => Math.round(channel).toString(16).padStart(2, '0')).join('')}`;
  }

  /** The last valid value of each color control, which the preview keeps showing while the text is not a color. */
  const lastValid = {};

  function setPath(target, path, value) {
    let node = target;
    for (const key of path.slice(0, -1)) node = node[key] = node[key] || {};
    node[path[path.length - 1]] = value;
  }

  /**
   * The controls' overrides of the preset: `template` (what is sent), `shown` (what the preview plays: the same, with
   * the last valid color in place of an invalid one) and `invalid` (the colors that are not CSS colors).
   */
  function overrides() {
    const template = {};
    const shown = {};
    const invalid = [];
    for (const input of colorInputs) {
      const key = input.dataset.color;
      const value = input.value.trim();
      const path = ['global', 'colors', key];
      if (value !== '' && !isColor(value)) {
        invalid.push({input, key, value});
        if (lastValid[key] !== undefined) setPath(shown, path, lastValid[key]);
        continue;
      }
      lastValid[key] = value === '' ? undefined : value;
      if (value === '' || value.toLowerCase() === String(presetValues.colors[key] || '').toLowerCase()) continue;
      setPath(template, path, value);
      setPath(shown, path, value);
    }
    for (const select of layoutSelects) {
      const scene = select.dataset.scene;
      if (select.value !== presetValues.layouts[scene]) {
        setPath(template, [scene, 'layout'], select.value);
        setPath(shown, [scene, 'layout'], select.value);
      }
    }
    return {template, shown, invalid};
  }

  function showColorErrors(invalid) {
    for (const input of colorInputs) {
      const problem = invalid.find((entry) => entry.input === input);
      const message = document.getElementById(`${input.id}-error`);
      input.setAttribute('aria-invalid', problem ? 'true' : 'false');
      message.hidden = !problem;
      message.textContent = problem
        ? `"${problem.value}" is not a CSS color: the preview keeps the last valid one`
        : '';
      const swatch = document.getElementById(`swatch-${input.dataset.color}`);
      const color = input.value.trim() || presetValues.colors[input.dataset.color];
      if (!problem && color && isColor(color)) swatch.value = toHex(color);
    }
  }

  /** Show the controls' current state: errors, and the preview of the recap with preset + overrides. */
  function refresh() {
    const {shown, invalid} = overrides();
    showColorErrors(invalid);
    if (problem !== null) {
      showState('invalid', `${problem}${recap === null ? '' : ' The preview shows the last recap that could be read.'}`);
    }
    if (!api() || recap === null) return;
    const input = {recap, layers: [...presetLayers(), shown]};
    try {
      if (preview === null) {
        preview = api().mount(previewBox, input, {onError: showFailure});
      } else {
        preview.update(input);
      }
      if (problem === null) {
        const seconds = preview.durationInFrames / 30;
        showState('playing', `Preview: ${seconds.toFixed(1)} s (${preview.durationInFrames} frames)`);
      }
    } catch (error) {
      showFailure(error.message);
    }
  }

  function showState(state, caption) {
    figure.dataset.state = state;
    previewStatus.textContent = caption;
  }

  /** Drawing failed (the preview's error boundary caught it): the box shows the message, the caption says so. */
  function showFailure(message) {
    showState('failed', `The preview cannot draw this recap: ${message}`);
  }

  /** Set the controls to the preset's own values (so nothing is overridden), then refresh. */
  function choosePreset(id) {
    presetId = id;
    const resolved = resolve(presetLayers());
    const colors = (resolved.global && resolved.global.colors) || {};
    presetValues = {colors: {}, layouts: {}};
    for (const input of colorInputs) {
      presetValues.colors[input.dataset.color] = colors[input.dataset.color];
      input.value = colors[input.dataset.color] || '';
    }
    for (const select of layoutSelects) {
      const layout = resolved[select.dataset.scene] && resolved[select.dataset.scene].layout;
      if (layout) select.value = layout;
      presetValues.layouts[select.dataset.scene] = select.value;
    }
    for (const radio of presetsBox.querySelectorAll('input[type=radio]')) radio.checked = radio.value === id;
    refresh();
  }

  /** Thumbnails are built after the bundle: until then the server answers 503 with Retry-After, so try again. */
  function showThumbnail(image, url, attempt) {
    image.addEventListener(
      'error',
      async () => {
        let response = null;
        try {
          response = await fetch(url, {method: 'HEAD', cache: 'no-store'});
        } catch (error) {
          return;
        }
        if (response.status !== 503 || attempt >= 30) return;
        const seconds = Math.min(60, Math.max(1, Number(response.headers.get('Retry-After')) || 10));
        setTimeout(() => showThumbnail(image, url, attempt + 1), seconds * 1000);
      },
      {once: true},
    );
    image.src = attempt === 0 ? url : `${url}?attempt=${attempt}`;
  }

  function showPresets() {
    presetsBox.replaceChildren();
    for (const preset of presets) {
      const label = document.createElement('label');
      label.className = 'preset';
      const radio = document.createElement('input');
      radio.type = 'radio';
      radio.name = 'preset';
      radio.value = preset.id;
      radio.addEventListener('change', () => choosePreset(preset.id));
      const thumbnail = document.createElement('img');
      showThumbnail(thumbnail, new URL(preset.thumbnailUrl, base).href, 0);
      thumbnail.alt = '';
      thumbnail.width = 90;
      thumbnail.height = 160;
      const name = document.createElement('span');
      name.textContent = preset.name;
      label.append(radio, thumbnail, name);
      presetsBox.append(label);
    }
    presetsBox.setAttribute('aria-busy', 'false');
  }

  async function loadPresets() {
    try {
      const response = await fetch(new URL('templates', base));
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      presets = (await response.json()).templates;
      showPresets();
      choosePreset(presets.some((preset) => preset.id === 'default') ? 'default' : presets[0].id);
    } catch (error) {
      presetsStatus.textContent =
        `The presets could not be loaded (${error.message}): renders use the server's default template.`;
      presetsBox.setAttribute('aria-busy', 'false');
      choosePreset(null);
    }
  }

  function loadPreview() {
    const script = document.createElement('script');
    script.src = new URL('preview/player.js', base).href;
    script.addEventListener('load', () => {
      if (!api()) {
        previewStatus.textContent = 'The preview is not available (preview/player.js is not a preview build).';
        return;
      }
      previewStatus.textContent = '';
      // Now the composition's own resolver is here: show the preset's values as it resolves them.
      const {template, invalid} = overrides();
      if (presets.length > 0 && invalid.length === 0 && Object.keys(template).length === 0) {
        choosePreset(presetId);
      } else {
        refresh();
      }
    });
    script.addEventListener('error', async () => {
      script.remove();
      // The server answers 503 with Retry-After while it builds the bundle (and the preview with it): wait, retry.
      let response = null;
      try {
        response = await fetch(script.src, {method: 'HEAD', cache: 'no-store'});
      } catch (error) {
        response = null;
      }
      if (response !== null && response.status === 503) {
        const seconds = Math.min(60, Math.max(1, Number(response.headers.get('Retry-After')) || 10));
        previewStatus.textContent = `The preview is being built; trying again in ${seconds} s\u2026`;
        setTimeout(loadPreview, seconds * 1000);
        return;
      }
      const reason = response === null ? 'the server did not answer' : `HTTP ${response.status}`;
      previewStatus.textContent = `The preview is not available (preview/player.js: ${reason}).`;
    });
    document.head.append(script);
  }

  /** Play this recap (the server found its request valid). */
  function setRecap(data) {
    problem = null;
    recap = {currentlyReading: [], ...data};
    refresh();
  }

  /** The text box's request cannot be rendered: say why in the caption; the preview keeps its last picture. */
  function setProblem(text) {
    problem = text;
    refresh();
  }

  /**
   * Without the server's word (it wants signed requests, or does not answer): the preview plays the request's
   * `data` when it has a recap's shape, guarded by the preview's error boundary.
   */
  function setRequestText(text) {
    problem = null;
    let data = null;
    try {
      data = JSON.parse(text).data;
    } catch (error) {
      data = null;
    }
    const looksLikeRecap =
      isObject(data) && isObject(data.meta) && Array.isArray(data.books) && isObject(data.stats);
    if (!looksLikeRecap) {
      if (recap !== null) previewStatus.textContent = 'The preview shows the last recap that could be read.';
      return;
    }
    recap = {currentlyReading: [], ...data};
    refresh();
  }

  for (const input of colorInputs) {
    input.addEventListener('input', refresh);
    const swatch = document.getElementById(`swatch-${input.dataset.color}`);
    swatch.addEventListener('input', () => {
      input.value = swatch.value;
      refresh();
    });
  }
  for (const select of layoutSelects) select.addEventListener('change', refresh);

  loadPreview();
  loadPresets();

  return {
    setRecap,
    setProblem,
    setRequestText,
    /** What the render request carries: {templateId?, template?}, or {error} when a control holds a bad value. */
    choice() {
      const {template, invalid} = overrides();
      if (invalid.length > 0) {
        return {error: `The ${invalid[0].key} color is not a CSS color: "${invalid[0].value}"`};
      }
      const chosen = {};
      if (presetId !== null) chosen.templateId = presetId;
      if (Object.keys(template).length > 0) chosen.template = template;
      return chosen;
    },
    /** The preview's handle (RecapPreview.mount), once it plays; null before. */
    get preview() {
      return preview;
    },
  };
})();
