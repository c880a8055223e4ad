namespace Strata.Server.Components;

/// <summary>
/// The Models page's client side: a pull over <c>POST /api/models/pull</c> read as NDJSON while it streams (progress bar
/// and status per event, the table refreshed from <c>GET /api/models</c> when done), and delete buttons for stored models.
/// </summary>
internal static class ModelsScript
{
    public const string Source = """
        (() => {
          const $ = id => document.getElementById(id);
          const headers = { 'X-Strata-Request': '1' };
          const megabytes = bytes => (bytes / 1e6).toFixed(1) + ' MB';
          async function failure(response) {
            const error = await response.json().catch(() => ({}));
            return new Error(error?.error?.message || ('HTTP ' + response.status));
          }
          async function refresh() {
            const response = await fetch('/api/models', { headers });
            if (!response.ok) throw await failure(response);
            const body = $('models').tBodies[0];
            body.textContent = '';
            for (const m of await response.json()) {
              const row = body.insertRow();
              row.dataset.model = m.name;
              for (const text of [m.name, m.format, m.location, m.size == null ? '' : megabytes(m.size), m.capabilities.join(', ')]) row.insertCell().textContent = text;
              const actions = row.insertCell();
              if (m.location === 'local') {
                const button = document.createElement('button');
                button.type = 'button'; button.className = 'link'; button.textContent = 'Delete';
                button.dataset.delete = m.name; button.setAttribute('aria-label', 'Delete ' + m.name);
                actions.appendChild(button);
              }
            }
          }
          function show(update) {
            const progress = $('pull-progress');
            if (update.status === 'progress') {
              progress.hidden = false;
              progress.value = update.totalBytes ? Math.round(100 * update.bytesDone / update.totalBytes) : 0;
              $('pull-status').textContent = `Downloading ${update.file} (file ${update.fileNumber} of ${update.fileCount}): ${megabytes(update.bytesDone)} of ${megabytes(update.totalBytes)}`;
            } else if (update.status === 'done') {
              progress.hidden = true;
              $('pull-status').textContent = `Pulled ${update.model} (${update.format}, ${megabytes(update.size)})`;
            } else {
              progress.hidden = true;
              $('pull-status').textContent = 'Pull failed: ' + update.message;
            }
          }
          $('pull-form').addEventListener('submit', async e => {
            e.preventDefault();
            const body = { source: $('pull-source').value.trim() };
            if ($('pull-name').value.trim()) body.name = $('pull-name').value.trim();
            $('pull').disabled = true;
            $('pull-status').textContent = 'Starting the pull…';
            try {
              const response = await fetch('/api/models/pull', { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json', 'Accept': 'application/x-ndjson' }, body: JSON.stringify(body) });
              if (!response.ok) throw await failure(response);
              // One JSON object a line; a read may end mid-line, so the tail waits for the next read.
              const reader = response.body.getReader();
              const decoder = new TextDecoder();
              let pending = '', last = null;
              for (;;) {
                const { value, done } = await reader.read();
                pending += decoder.decode(value ?? new Uint8Array(), { stream: !done });
                const lines = pending.split('\n');
                pending = lines.pop();
                for (const line of lines.filter(l => l.trim())) { last = JSON.parse(line); show(last); }
                if (done) break;
              }
              if (!last || last.status === 'progress') $('pull-status').textContent = 'The pull ended without an answer; run it again to resume.';
              if (last?.status === 'done') await refresh();
            } catch (err) { $('pull-progress').hidden = true; $('pull-status').textContent = 'Pull failed: ' + err.message; }
            finally { $('pull').disabled = false; }
          });
          $('models').addEventListener('click', async e => {
            const name = e.target.dataset?.delete;
            if (!name || !confirm(`Delete ${name} and its files from the store?`)) return;
            try {
              const response = await fetch('/api/models/' + name.split('/').map(encodeURIComponent).join('/'), { method: 'DELETE', headers });
              if (!response.ok) throw await failure(response);
              $('pull-status').textContent = `Deleted ${name}`;
              await refresh();
            } catch (err) { $('pull-status').textContent = 'Delete failed: ' + err.message; }
          });
        })();
        """;
}
