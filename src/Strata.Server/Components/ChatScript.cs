namespace Strata.Server.Components;

/// <summary>
/// The Chat page's client side: posts to <c>/v1/chat/completions</c> with <c>stream: true</c>, appends each
/// server-sent delta as it arrives, and aborts the fetch on Stop (the server then cancels generation).
/// Kept as one inline script so the page needs no static files.
/// </summary>
internal static class ChatScript
{
    public const string Source = """
        (() => {
          const $ = id => document.getElementById(id);
          const history = [];
          let controller = null;
          const add = (role, text) => {
            const div = document.createElement('div');
            div.className = 'message ' + role;
            div.textContent = text;
            $('transcript').appendChild(div);
            div.scrollIntoView({ block: 'end' });
            return div;
          };
          const busy = on => { $('send').disabled = on; $('stop').disabled = !on; };
          async function send() {
            const text = $('prompt').value.trim();
            if (!text || controller) return;
            $('prompt').value = '';
            history.push({ role: 'user', content: text });
            add('user', text);
            const answer = add('assistant', '');
            const messages = ($('system').value.trim() ? [{ role: 'system', content: $('system').value.trim() }] : []).concat(history);
            const body = { model: $('model').value, messages, stream: true, stream_options: { include_usage: true },
                           temperature: Number($('temperature').value), max_tokens: Number($('max-tokens').value) };
            if ($('seed').value !== '') body.seed = Number($('seed').value);
            controller = new AbortController();
            busy(true);
            $('status').textContent = 'Generating…';
            const started = performance.now();
            let first = null, usage = null;
            try {
              const response = await fetch('/v1/chat/completions', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Strata-Request': '1' },
                                                                      body: JSON.stringify(body), signal: controller.signal });
              if (!response.ok) {
                const error = await response.json().catch(() => ({}));
                throw new Error(error?.error?.message || ('HTTP ' + response.status));
              }
              await strataEvents(response, (_, data) => {
                if (data === '[DONE]') return;
                const chunk = JSON.parse(data);
                if (chunk.usage) usage = chunk.usage;
                const delta = chunk.choices?.[0]?.delta?.content;
                if (delta) { first ??= performance.now(); answer.textContent += delta; }
              });
              history.push({ role: 'assistant', content: answer.textContent });
              const seconds = (performance.now() - (first ?? started)) / 1000;
              $('status').textContent = usage ? `${usage.completion_tokens} tokens, ${(usage.completion_tokens / Math.max(seconds, 0.001)).toFixed(1)} tokens/s` : 'Done';
            } catch (e) {
              if (e.name === 'AbortError') { $('status').textContent = 'Stopped'; history.push({ role: 'assistant', content: answer.textContent }); }
              else { answer.classList.add('error'); answer.textContent = e.message; history.pop(); $('status').textContent = 'Error'; }
            } finally {
              controller = null;
              busy(false);
              $('prompt').focus();
            }
          }
          $('chat').addEventListener('submit', e => { e.preventDefault(); send(); });
          $('prompt').addEventListener('keydown', e => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send(); } });
          $('stop').addEventListener('click', () => controller?.abort());
          $('reset').addEventListener('click', () => { history.length = 0; $('transcript').textContent = ''; $('status').textContent = ''; });
        })();
        """;
}
