namespace Strata.Server.Components;

/// <summary>
/// Reads a <c>text/event-stream</c> response body in the browser: <c>strataEvents(response, (name, data) => …)</c>
/// calls back once per event with its <c>event:</c> name (undefined when absent) and its <c>data:</c> text, however
/// the network splits the bytes. Shared by the pages that stream (Chat, Knowledge); prepended to their scripts since
/// the pages need no static files.
/// </summary>
internal static class EventStreamScript
{
    public const string Source = """
        window.strataEvents ??= async (response, onEvent) => {
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            buffer += decoder.decode(value ?? new Uint8Array(), { stream: !done });
            let end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const name = (block.match(/^event: (.*)$/m) || [])[1];
              const data = (block.match(/^data: (.*)$/m) || [])[1];
              if (data !== undefined) onEvent(name, data);
            }
            if (done) break;
          }
        };

        """;
}
