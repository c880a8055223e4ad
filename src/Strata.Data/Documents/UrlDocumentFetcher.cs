using System.Net;
using System.Net.Sockets;

namespace Strata.Data.Documents;

/// <summary>
/// Downloads one URL for the loader: follows redirects itself so that every hop passes the guard, connects only to
/// the address the guard validated, stops reading past the size cap and gives up after the timeout.
/// </summary>
internal sealed class UrlDocumentFetcher(UrlGuard guard, DocumentLoaderOptions options)
{
    private static readonly HttpRequestOptionsKey<IPAddress> ValidatedAddress = new("Strata.ValidatedAddress");

    public async Task<DocumentLoadResult> LoadAsync(Uri url, CancellationToken cancellationToken)
    {
        var source = url.OriginalString;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.UrlTimeout);
        try
        {
            return await FetchAsync(url, source, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DocumentLoadResult.Failure(source, $"timed out after {options.UrlTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException error)
        {
            return DocumentLoadResult.Failure(source, $"download failed: {error.Message}");
        }
    }

    private async Task<DocumentLoadResult> FetchAsync(Uri url, string source, CancellationToken cancellationToken)
    {
        // One handler per download: no pooled connection outlives the address check it was made for.
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = ConnectToValidatedAddressAsync,
        };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var current = url;
        for (var redirects = 0; ; redirects++)
        {
            var check = await guard.CheckAsync(current, cancellationToken);
            if (!check.IsAllowed)
            {
                return DocumentLoadResult.Failure(source, $"refused {current}: {check.RefusalReason}");
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            request.Options.Set(ValidatedAddress, check.Address);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (IsRedirect(response.StatusCode))
            {
                if (response.Headers.Location is not { } location)
                {
                    return DocumentLoadResult.Failure(source, $"redirect from {current} without a Location header");
                }

                if (redirects >= options.MaxRedirects)
                {
                    return DocumentLoadResult.Failure(source, $"too many redirects (more than {options.MaxRedirects})");
                }

                current = new Uri(current, location);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                return DocumentLoadResult.Failure(source, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase} from {current}");
            }

            var parser = DocumentParsers.ForMediaType(response.Content.Headers.ContentType?.MediaType)
                ?? DocumentParsers.ForPath(current.AbsolutePath);
            if (parser is null)
            {
                return DocumentLoadResult.Failure(source, $"unsupported content type '{response.Content.Headers.ContentType?.MediaType}'");
            }

            if (response.Content.Headers.ContentLength is { } declared && declared > options.MaxBytes)
            {
                return DocumentLoadResult.Failure(source, DocumentLoader.TooLarge(declared, options.MaxBytes));
            }

            var content = await ReadCappedAsync(response.Content, cancellationToken);
            return content is null
                ? DocumentLoadResult.Failure(source, $"too large: more than {options.MaxBytes:N0} bytes, the limit")
                : DocumentContent.Parse(parser, content, source);
        }
    }

    /// <summary>The body, or null as soon as it passes the cap: a lying or missing Content-Length changes nothing.</summary>
    private async Task<byte[]?> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > options.MaxBytes)
            {
                return null;
            }

            body.Write(buffer, 0, read);
        }

        return body.ToArray();
    }

    private static async ValueTask<Stream> ConnectToValidatedAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(ValidatedAddress, out var address))
        {
            throw new HttpRequestException("refused to connect: the request carries no validated address");
        }

        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
}
