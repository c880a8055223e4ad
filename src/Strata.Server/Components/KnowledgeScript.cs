namespace Strata.Server.Components;

/// <summary>
/// The Knowledge page's client side, over the Strata API: create collections, upload with progress (XMLHttpRequest
/// reports upload progress, fetch does not), poll document states while any is queued or processing, search, and ask
/// with a streamed answer whose citations link to the cited chunk. Requests carry the UI's header, which the server
/// requires of cookie-authenticated state-changing calls.
/// </summary>
internal static class KnowledgeScript
{
    public const string Source = """
        (() => {
          const $ = id => document.getElementById(id);
          const headers = { 'X-Strata-Request': '1' };
          const collection = () => $('collection').value;
          const path = (...parts) => '/api/collections/' + parts.map(encodeURIComponent).join('/');
          let poller = null;
          async function api(url, options = {}) {
            const response = await fetch(url, { ...options, headers: { ...headers, ...(options.body ? { 'Content-Type': 'application/json' } : {}) } });
            if (!response.ok) {
              const error = await response.json().catch(() => ({}));
              throw new Error(error?.error?.message || ('HTTP ' + response.status));
            }
            return response.status === 204 ? null : response.json();
          }
          const cell = (row, text, className) => { const td = row.insertCell(); td.textContent = text ?? ''; if (className) td.className = className; return td; };
          async function updateInfo() {
            try {
              const info = await api(path(collection()));
              $('collection-info').textContent = `${info.count} records · ${info.dimension} dimensions · ${info.embeddingModel ?? 'no model'} · index ${info.indexState}`;
            } catch (e) { $('collection-info').textContent = e.message; }
          }
          async function showCollection() {
            $('collection-info').textContent = '';
            if (!collection()) { $('documents').tBodies[0].textContent = ''; return; }
            await updateInfo();
            await refreshDocuments();
          }
          async function refreshDocuments() {
            const name = collection();
            if (!name) return;
            let documents = [];
            try { documents = await api(path(name, 'documents')); } catch (e) { $('upload-status').textContent = e.message; return; }
            const body = $('documents').tBodies[0];
            body.textContent = '';
            for (const d of documents) {
              const row = body.insertRow();
              row.dataset.document = d.document;
              const link = document.createElement('a');
              link.href = '/knowledge/document?collection=' + encodeURIComponent(name) + '&document=' + encodeURIComponent(d.document);
              link.textContent = d.document;
              row.insertCell().appendChild(link);
              cell(row, d.state, 'state state-' + d.state);
              cell(row, String(d.chunks));
              cell(row, d.reason ?? d.title ?? '');
            }
            const busy = documents.some(d => d.state === 'queued' || d.state === 'processing');
            clearTimeout(poller);
            if (busy) poller = setTimeout(refreshDocuments, 1000);
            else await updateInfo();
          }
          $('collection').addEventListener('change', showCollection);
          $('create-form').addEventListener('submit', async e => {
            e.preventDefault();
            const name = $('new-name').value.trim();
            try {
              await api('/api/collections', { method: 'POST', body: JSON.stringify({ name }) });
              const option = new Option(name, name, true, true);
              $('collection').add(option);
              $('new-name').value = '';
              $('collection-info').textContent = `Created ${name}.`;
              await showCollection();
              $('collection').focus();
            } catch (err) { $('collection-info').textContent = err.message; }
          });
          $('upload-form').addEventListener('submit', e => {
            e.preventDefault();
            const name = collection();
            if (!name) { $('upload-status').textContent = 'Create or pick a collection first.'; return; }
            const form = new FormData();
            for (const file of $('files').files) form.append('file', file, file.name);
            const request = new XMLHttpRequest();
            request.open('POST', path(name, 'documents'));
            request.setRequestHeader('X-Strata-Request', '1');
            const bar = $('upload-progress');
            bar.hidden = false; bar.value = 0;
            $('upload').disabled = true;
            $('upload-status').textContent = 'Uploading…';
            request.upload.onprogress = p => { if (p.lengthComputable) bar.value = Math.round(100 * p.loaded / p.total); };
            request.onloadend = () => {
              $('upload').disabled = false;
              bar.value = 100;
              let message = request.status === 202 ? 'Uploaded; ingesting in the background.' : 'Upload failed (HTTP ' + request.status + ').';
              try { const body = JSON.parse(request.responseText); if (body?.error?.message) message = body.error.message; } catch { }
              $('upload-status').textContent = message;
              $('files').value = '';
              refreshDocuments();
            };
            request.send(form);
          });
          $('search-form').addEventListener('submit', async e => {
            e.preventDefault();
            const list = $('results');
            list.textContent = '';
            $('search-status').textContent = 'Searching…';
            try {
              const filter = $('filter').value.trim();
              const result = await api(path(collection(), 'search'), { method: 'POST', body: JSON.stringify({ text: $('query').value, mode: $('mode').value, k: 10, filter: filter || null }) });
              for (const hit of result.results) {
                const item = document.createElement('li');
                const head = document.createElement('p');
                head.className = 'hint';
                head.textContent = `${hit.score.toFixed(4)} · ${hit.metadata?.title ?? hit.id}`;
                const text = document.createElement('div');
                text.className = 'snippet';
                text.textContent = hit.document ?? '';
                item.append(head, text);
                list.appendChild(item);
              }
              $('search-status').textContent = `${result.results.length} results`;
            } catch (err) { $('search-status').textContent = err.message; }
          });
          $('ask-form').addEventListener('submit', async e => {
            e.preventDefault();
            const answer = $('answer'), citations = $('citations');
            answer.textContent = ''; citations.textContent = '';
            $('ask').disabled = true;
            $('ask-status').textContent = 'Answering…';
            try {
              const response = await fetch(path(collection(), 'ask'), { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' },
                                                                         body: JSON.stringify({ question: $('question').value, stream: true }) });
              if (!response.ok) {
                const error = await response.json().catch(() => ({}));
                throw new Error(error?.error?.message || ('HTTP ' + response.status));
              }
              await strataEvents(response, (name, data) => {
                const payload = JSON.parse(data);
                if (name === 'delta') answer.textContent += payload.text;
                if (name === 'citations') {
                  answer.textContent = payload.answer;
                  for (const c of payload.citations) {
                    const item = document.createElement('li');
                    const link = document.createElement('a');
                    link.href = c.link;
                    link.className = 'citation';
                    link.textContent = `[${c.n}] ${c.document}, chunk ${c.chunk}` + (c.page ? `, page ${c.page}` : '');
                    item.appendChild(link);
                    citations.appendChild(item);
                  }
                  $('ask-status').textContent = payload.extractive ? 'Extractive answer (no chat model): the best passages, cited.' : 'Done';
                }
              });
            } catch (err) { $('ask-status').textContent = err.message; }
            finally { $('ask').disabled = false; }
          });
          showCollection();
        })();
        """;
}
