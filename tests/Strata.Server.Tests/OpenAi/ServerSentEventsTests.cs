using System.Text;
using Microsoft.AspNetCore.Http;
using Strata.Server.OpenAi;

namespace Strata.Server.Tests.OpenAi;

public sealed class ServerSentEventsTests
{
    [Fact]
    public async Task Each_event_reaches_the_body_as_one_write_followed_by_a_flush()
    {
        var body = new RecordingStream();
        var context = new DefaultHttpContext();
        context.Response.Body = body;
        var events = new ServerSentEvents(context.Response);

        await events.WriteAsync(new { content = "héllo" }, CancellationToken.None);
        await events.WriteAsync("delta", new { Text = "a" }, System.Text.Json.JsonSerializerOptions.Web, CancellationToken.None);
        await events.WriteAsync("ping", new { n = 1 }, CancellationToken.None);

        Assert.Equal(["write", "flush", "write", "flush", "write", "flush"], body.Calls);
        Assert.Equal("data: {\"content\":\"h\\u00E9llo\"}\n\nevent: delta\ndata: {\"text\":\"a\"}\n\nevent: ping\ndata: {\"n\":1}\n\n", Encoding.UTF8.GetString(body.ToArray()));
        Assert.Equal("text/event-stream", context.Response.ContentType);
    }

    [Fact]
    public async Task Events_written_without_a_flush_go_out_together_with_the_next_flush()
    {
        var body = new RecordingStream();
        var context = new DefaultHttpContext();
        context.Response.Body = body;
        var events = new ServerSentEvents(context.Response);

        await events.WriteAsync(new { n = 1 }, flush: false, CancellationToken.None);
        await events.WriteAsync(new { n = 2 }, flush: false, CancellationToken.None);
        Assert.Empty(body.Calls);
        await events.FlushAsync(CancellationToken.None);
        await events.WriteDoneAsync(CancellationToken.None);

        Assert.Equal(["write", "flush", "write", "flush"], body.Calls);
        Assert.Equal("data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n", Encoding.UTF8.GetString(body.ToArray()));
    }

    private sealed class RecordingStream : MemoryStream
    {
        public List<string> Calls { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Calls.Add("write");
            return base.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Calls.Add("write");
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Calls.Add("write");
            base.Write(buffer);
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Calls.Add("flush");
            return base.FlushAsync(cancellationToken);
        }
    }
}
