/*
 * <render-progress>: watch one tornado-render render from any page. No build step, no dependencies.
 *
 *   <script src="https://render.example.com/static/render-progress.js"></script>
 *   <render-progress id="recap"></render-progress>
 *   <script>
 *     const recap = document.getElementById('recap');
 *     recap.addEventListener('render-complete', (e) => { video.src = e.detail.s3Url; });
 *     recap.addEventListener('render-error', (e) => { alert(e.detail.message); });
 *     recap.start({userId: 'user-123', data: monthlyRecapExport});
 *   </script>
 *
 * Attributes: `server` (base URL of tornado-render; default: where this script was loaded from), `request` (the
 * RenderRequest as JSON; the `request` property takes an object instead), `src` (a stream URL your backend signed,
 * `/render-stream?data=...&exp=...&sig=...`, used instead of `request` when the server wants signed requests),
 * `autostart` (start when added to the page). Methods: `start(request or signed URL?)`, `stop()`. The read-only
 * `state` attribute is idle, connecting, queued, bundling, rendering, complete or error (style with
 * `render-progress[state="error"]`). DOM events (they bubble): `render-queued` {position}, `render-progress`
 * {progress, phase}, `render-complete` (the `complete` event's data: {filename, s3Url, warnings, assets}),
 * `render-error` {message}. Style with ::part(bar|fill|status|percent) and --render-progress-color.
 *
 * Why it is written this way:
 * - EventSource fires `error` both for the server's `event: error` (a MessageEvent with data: the render failed)
 *   and for connection trouble (no data). Only the first is final. On connection trouble the browser reconnects by
 *   itself with Last-Event-ID and the server replays what was missed, so the widget waits, unless the browser gave
 *   up (readyState CLOSED: an HTTP error, or CORS refused) or MAX_RECONNECTS reconnects in a row failed.
 * - EventSource never shows why it gave up. The widget then asks the same URL once with fetch: a 400 or 503 comes
 *   back as JSON with the server's reason in words; a fetch that fails outright means the server is unreachable or
 *   does not allow this page's origin (CORS_ORIGINS). Identical requests share one job on the server, so this
 *   extra request attaches to the render the stream started instead of starting another.
 * - The stream is closed on `complete`/`error`; otherwise EventSource would reconnect after the stream ends.
 * - The words follow the spec's numbers without changing them: below 25 the bundle is being built; exactly 25 (the
 *   bundler's 100 %, floor(100 * 0.25)) means the bundle is ready and the browser is starting, which can take
 *   seconds; 26 and up is the render. The time part says how long it has taken, and once the render has moved a
 *   little, about how long is left at its pace so far.
 * - A refused request (400) is told in the server's plain sentences (`messages`, and its `hint` first), once: the
 *   page that holds the widget need not repeat it. `RenderProgress.problemsOf(body)` words any 400 body so.
 */
(() => {
  'use strict';
  if (customElements.get('render-progress')) return;

  const SCRIPT_URL = document.currentScript ? document.currentScript.src : '';
  const MAX_RECONNECTS = 5;
  const BUNDLE_SHARE = 25;
  // Remaining time is estimated once the render has done this many points of its 75.
  const MIN_POINTS_FOR_ESTIMATE = 3;

  const TEMPLATE = document.createElement('template');
  TEMPLATE.innerHTML = `
    <style>
      :host { display: block; }
      :host([hidden]) { display: none; }
      .bar {
        height: var(--render-progress-height, 0.75rem);
        background: var(--render-progress-track-color, #e4e4e7);
        border-radius: 999px;
        overflow: hidden;
      }
      .fill {
        height: 100%;
        width: 0;
        background: var(--render-progress-color, #4f46e5);
        transition: width 120ms linear;
      }
      :host([state="complete"]) .fill { background: var(--render-progress-done-color, #16a34a); }
      :host([state="error"]) .fill { background: var(--render-progress-error-color, #dc2626); }
      .label { display: flex; flex-wrap: wrap; gap: 0.3em 1em; margin-top: 0.4em; font-size: 0.9em; }
      .status { flex: 1 1 auto; }
      .percent, .time { font-variant-numeric: tabular-nums; }
      .time { opacity: 0.75; }
    </style>
    <div class="bar" part="bar" role="progressbar" aria-label="Render progress"
         aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><div class="fill" part="fill"></div></div>
    <div class="label"><span class="status" part="status" aria-live="polite"></span
    ><span class="percent" part="percent"></span><span class="time" part="time"></span></div>`;

  /** A 400 body's problems in plain words: its hint, then one sentence per field (else its `error` text). */
  function problemsOf(body) {
    const problems = [];
    if (body && typeof body.hint === 'string') problems.push(body.hint);
    if (body && Array.isArray(body.messages) && body.messages.length > 0) {
      problems.push(...body.messages);
      if (body.moreFields) problems.push(`and ${body.moreFields} more`);
    } else if (body && typeof body.error === 'string') {
      problems.push(body.error);
    }
    return problems;
  }

  /** Sentences as one text: each ends with a full stop. */
  const asText = (sentences) => sentences.map((sentence) => sentence.replace(/[.\s]*$/, '.')).join(' ');

  /** m:ss */
  function clock(seconds) {
    const whole = Math.max(0, Math.round(seconds));
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
  }

  /** What a progress event means, in words (see the module's notes). */
  function describe(progress, phase) {
    if (phase === 'bundling' && progress < BUNDLE_SHARE) return 'Building the bundle';
    if (phase === 'bundling') return 'Starting the browser';
    return 'Rendering';
  }

  async function errorText(response) {
    try {
      const body = await response.json();
      if (body && typeof body.error === 'string' && (response.status === 401 || response.status === 403)) {
        return `The render server refused this request (${body.error}): the page needs a freshly signed link`;
      }
      if (response.status === 400 && body) {
        return `The render server refused this request. ${asText(problemsOf(body))}`;
      }
      if (body && typeof body.error === 'string') {
        return body.message ? `${body.error}: ${body.message}` : body.error;
      }
    } catch (ignored) {
      // not JSON: fall through to the status line
    }
    return `The render server answered ${response.status} ${response.statusText}`.trim();
  }

  class RenderProgress extends HTMLElement {
    constructor() {
      super();
      const root = this.attachShadow({mode: 'open'});
      root.appendChild(TEMPLATE.content.cloneNode(true));
      this._bar = root.querySelector('.bar');
      this._fill = root.querySelector('.fill');
      this._status = root.querySelector('.status');
      this._percent = root.querySelector('.percent');
      this._time = root.querySelector('.time');
      this._started = 0;
      this._rendering = null;
      this._request = undefined;
      this._source = null;
      this._diagnosis = null;
    }

    get server() {
      const base = this.getAttribute('server') || (SCRIPT_URL ? new URL(SCRIPT_URL).origin : location.origin);
      return base.replace(/\/+$/, '');
    }

    set server(value) {
      this.setAttribute('server', value);
    }

    /** The RenderRequest: the object given to the property, else the `request` attribute parsed as JSON. */
    get request() {
      if (this._request !== undefined) return this._request;
      const text = this.getAttribute('request');
      return text ? JSON.parse(text) : undefined;
    }

    set request(value) {
      this._request = value;
    }

    get state() {
      return this.getAttribute('state') || 'idle';
    }

    connectedCallback() {
      if (!this.hasAttribute('state')) this._show('idle', 0, '');
      if (this.hasAttribute('autostart') && this.state === 'idle') this.start();
    }

    disconnectedCallback() {
      this.stop();
    }

    /**
     * Start a render (and stop watching any earlier one): of a RenderRequest (given here or set before), or of a
     * signed stream URL (a string given here, or the `src` attribute).
     */
    start(request) {
      if (typeof request === 'string') {
        this.setAttribute('src', request);
        this._request = undefined;
      } else if (request !== undefined) {
        this.request = request;
        this.removeAttribute('src');
      }
      this.stop();
      const url = this._streamUrl();
      if (url === null) return;
      const source = new EventSource(url);
      this._source = source;
      this._show('connecting', 0, 'Connecting\u2026');
      this._started = performance.now();
      this._rendering = null;
      let failures = 0;
      const live = (handler) => (event) => {
        if (this._source === source) handler(event);
      };
      source.addEventListener('open', live(() => {
        failures = 0;
      }));
      source.addEventListener('queued', live((event) => {
        const {position} = JSON.parse(event.data);
        this._show('queued', 0, `Waiting, position ${position}`);
        this._emit('render-queued', {position});
      }));
      source.addEventListener('progress', live((event) => {
        const {progress, phase} = JSON.parse(event.data);
        this._show(phase === 'bundling' ? 'bundling' : 'rendering', progress, describe(progress, phase));
        this._showTime(progress, phase);
        this._emit('render-progress', {progress, phase});
      }));
      source.addEventListener('complete', live((event) => {
        // Everything the server sent (filename, s3Url, warnings, assets, and whatever a newer server adds).
        const outcome = JSON.parse(event.data);
        this._close();
        this._show('complete', 100, 'Done');
        this._time.textContent = `took ${clock((performance.now() - this._started) / 1000)}`;
        this._emit('render-complete', {warnings: [], assets: {}, ...outcome});
      }));
      source.addEventListener('error', live((event) => {
        if (typeof event.data === 'string') {
          // The server's own `event: error`: the render failed, and this is final.
          let message = 'The render failed';
          try {
            message = JSON.parse(event.data).message || message;
          } catch (ignored) {
            // keep the generic message
          }
          this._fail(message);
          return;
        }
        failures += 1;
        if (source.readyState === EventSource.CLOSED || failures > MAX_RECONNECTS) {
          this._close();
          this._diagnose(url);
          return;
        }
        this._status.textContent = 'Reconnecting\u2026';
      }));
    }

    /** The stream's URL: the signed `src`, else one built from the request; null (and an error shown) if neither. */
    _streamUrl() {
      const signed = this.getAttribute('src');
      if (signed) return new URL(signed, `${this.server}/`).href;
      let payload;
      try {
        payload = this.request;
      } catch (error) {
        this._fail(`The request attribute is not valid JSON: ${error.message}`);
        return null;
      }
      if (!payload || typeof payload !== 'object') {
        this._fail('No render request: set the request property or attribute (or src), or pass it to start()');
        return null;
      }
      return `${this.server}/render-stream?data=${encodeURIComponent(JSON.stringify(payload))}`;
    }

    /** Stop watching (the render itself goes on on the server until nobody watches it for a while). */
    stop() {
      this._close();
      if (this._diagnosis) {
        this._diagnosis.abort();
        this._diagnosis = null;
      }
    }

    _close() {
      if (this._source) {
        this._source.close();
        this._source = null;
      }
    }

    async _diagnose(url) {
      const controller = new AbortController();
      this._diagnosis = controller;
      this._status.textContent = 'Connection failed; asking the server why\u2026';
      let message;
      try {
        const response = await fetch(url, {headers: {Accept: 'application/json'}, cache: 'no-store',
                                           signal: controller.signal});
        message = response.ok ? 'Lost the connection to the render server' : await errorText(response);
      } catch (ignored) {
        message = `Could not reach the render server at ${this.server}: it is down, or it does not allow ` +
                  `this page's origin (${location.origin}) in its CORS_ORIGINS`;
      }
      const current = this._diagnosis === controller;
      controller.abort(); // a stream that did open this time is not read
      if (current) {
        this._diagnosis = null;
        this._fail(message);
      }
    }

    _fail(message) {
      this._close();
      this._show('error', Number(this._bar.getAttribute('aria-valuenow')), message);
      this._emit('render-error', {message});
    }

    /** Elapsed time, and once the render has moved a little, about how long is left at its pace so far. */
    _showTime(progress, phase) {
      const now = performance.now();
      const elapsed = (now - this._started) / 1000;
      let text = `${clock(elapsed)} elapsed`;
      if (phase === 'rendering') {
        if (this._rendering === null) this._rendering = {at: now, progress};
        const done = progress - this._rendering.progress;
        if (done >= MIN_POINTS_FOR_ESTIMATE && progress < 100) {
          const perPoint = (now - this._rendering.at) / 1000 / done;
          text += ` \u00b7 about ${clock(perPoint * (100 - progress))} left`;
        }
      }
      this._time.textContent = text;
    }

    _show(state, progress, status) {
      this.setAttribute('state', state);
      this._fill.style.width = `${progress}%`;
      this._bar.setAttribute('aria-valuenow', String(progress));
      this._status.textContent = status;
      const measured = state === 'bundling' || state === 'rendering' || state === 'complete';
      this._percent.textContent = measured ? `${progress} %` : '';
      if (!measured || state === 'complete') this._time.textContent = '';
    }

    _emit(name, detail) {
      this.dispatchEvent(new CustomEvent(name, {detail, bubbles: true, composed: true}));
    }
  }

  RenderProgress.problemsOf = problemsOf;
  customElements.define('render-progress', RenderProgress);
})();
