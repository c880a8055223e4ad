namespace Strata.Server.Components;

/// <summary>The Images page's client side: posts to <c>/v1/images/generations</c> and shows the returned PNGs.</summary>
internal static class ImagesScript
{
    public const string Source = """
        (() => {
          const $ = id => document.getElementById(id);
          $('images-form').addEventListener('submit', async e => {
            e.preventDefault();
            const gallery = $('gallery');
            const body = { model: $('image-model').value, prompt: $('image-prompt').value, n: Number($('count').value), response_format: 'b64_json' };
            if ($('image-seed').value !== '') body.seed = Number($('image-seed').value);
            $('generate').disabled = true;
            $('images-status').textContent = 'Generating…';
            try {
              const response = await fetch('/v1/images/generations', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Strata-Request': '1' }, body: JSON.stringify(body) });
              const result = await response.json().catch(() => ({}));
              if (!response.ok) throw new Error(result?.error?.message || ('HTTP ' + response.status));
              gallery.textContent = '';
              result.data.forEach((image, i) => {
                const img = document.createElement('img');
                img.src = 'data:image/png;base64,' + image.b64_json;
                img.alt = `Generated image ${i + 1} of ${result.data.length}` + (body.seed !== undefined ? `, seed ${body.seed}` : '');
                gallery.appendChild(img);
              });
              $('images-status').textContent = `${result.data.length} images from ${body.model}`;
            } catch (err) { $('images-status').textContent = err.message; }
            finally { $('generate').disabled = false; }
          });
        })();
        """;
}
