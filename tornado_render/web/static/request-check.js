/*
 * window.RequestCheck: a RenderRequest checked by the server's own rules (POST /validate) before anything uses it.
 *
 * The demo page asks before its preview plays a pasted recap: the preview draws with the composition's code, which
 * trusts its props as the server's validation leaves them. `check(server, request)` resolves to one of
 *   {state: 'valid', duration, frames, warnings}        what POST /render would accept, and what it would warn about
 *   {state: 'invalid', problems: [...]}                 the server's 400, one plain sentence per bad field (and the
 *                                                       hint about the {userId, data} wrapper first, when it has one)
 *   {state: 'unchecked', reason}                        no answer to go by: the server wants signed requests (a page
 *                                                       cannot sign), is unreachable, or is older than /validate
 * `problemsOf(body)` is the list of sentences of any 400 body (the widget words a refused render the same way).
 */
'use strict';

window.RequestCheck = (() => {
  // The widget words a refused render the same way (render-progress.js, loaded first).
  const problemsOf = customElements.get('render-progress').problemsOf;

  async function check(server, request, {signal} = {}) {
    let response;
    try {
      response = await fetch(new URL('validate', server), {
        method: 'POST',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify(request),
        signal,
      });
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      return {state: 'unchecked', reason: 'the server did not answer'};
    }
    let body = null;
    try {
      body = await response.json();
    } catch (ignored) {
      body = null;
    }
    if (response.ok && body && body.valid) {
      return {state: 'valid', duration: body.duration, frames: body.frames, warnings: body.warnings || []};
    }
    if (response.status === 400) return {state: 'invalid', problems: problemsOf(body)};
    const signed = response.status === 401 || response.status === 403;
    return {state: 'unchecked', reason: signed ? 'signed' : `HTTP ${response.status}`};
  }

  return {check, problemsOf};
})();
