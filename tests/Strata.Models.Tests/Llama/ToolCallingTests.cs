using Microsoft.Extensions.AI;

namespace Strata.Models.Tests.Llama;

public sealed class ToolCallingTests(WideTinyModelFixture model) : IClassFixture<WideTinyModelFixture>
{
    [Fact]
    public async Task A_required_tool_call_runs_through_function_invocation_and_its_result_goes_back_to_the_model()
    {
        var calls = new List<(long A, long B)>();
        var add = AIFunctionFactory.Create((long a, long b) =>
        {
            calls.Add((a, b));
            return a + b;
        }, "add", "Adds two integers.");
        var innerCalls = new List<(List<ChatMessage> Messages, ChatOptions? Options, ChatResponse Response)>();
        // Function invocation outermost, the recorder between it and the model: it sees each round trip.
        using var recording = new ChatClientBuilder(model.Client).UseFunctionInvocation(configure: invoker => invoker.MaximumIterationsPerRequest = 3).Use(getResponseFunc: async (messages, options, inner, cancellationToken) =>
        {
            var response = await inner.GetResponseAsync(messages, options, cancellationToken);
            innerCalls.Add((messages.ToList(), options?.Clone(), response));
            return response;
        }, getStreamingResponseFunc: null).Build();
        var options = new ChatOptions { Tools = [add], ToolMode = ChatToolMode.RequireSpecific("add"), Temperature = 0, Seed = 42, MaxOutputTokens = 120 };

        var response = await recording.GetResponseAsync([new ChatMessage(ChatRole.User, "add two and three")], options);

        Assert.NotEmpty(calls);
        var (a, b) = calls[0];
        var first = innerCalls[0];
        var call = Assert.Single(first.Response.Messages.SelectMany(message => message.Contents).OfType<FunctionCallContent>());
        Assert.Equal(ChatFinishReason.ToolCalls, first.Response.FinishReason);
        Assert.Equal("add", call.Name);
        Assert.StartsWith("call_", call.CallId, StringComparison.Ordinal);
        var second = innerCalls[1];
        var result = Assert.Single(second.Messages.SelectMany(message => message.Contents).OfType<FunctionResultContent>());
        Assert.Equal(call.CallId, result.CallId);
        Assert.Equal((a + b).ToString(System.Globalization.CultureInfo.InvariantCulture), result.Result?.ToString());
        var probeOptions = second.Options?.Clone() ?? new ChatOptions();
        probeOptions.MaxOutputTokens = 1;
        var withoutResult = await model.Client.GetResponseAsync(second.Messages.Where(message => !message.Contents.OfType<FunctionResultContent>().Any()).ToList(), probeOptions);
        Assert.True(second.Response.Usage!.InputTokenCount > withoutResult.Usage!.InputTokenCount, "the tool result should be part of the next prompt");
        Assert.Contains(response.Messages, message => message.Contents.OfType<FunctionResultContent>().Any());
    }

    [Fact]
    public async Task Tool_mode_none_never_calls_a_tool()
    {
        var add = AIFunctionFactory.Create((long a, long b) => a + b, "add");
        var options = new ChatOptions { Tools = [add], ToolMode = ChatToolMode.None, Temperature = 0, Seed = 42, MaxOutputTokens = 20 };

        var response = await model.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "add two and three")], options);

        Assert.DoesNotContain(response.Messages.SelectMany(message => message.Contents), content => content is FunctionCallContent);
        Assert.NotEqual(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task Require_any_makes_the_model_call_one_of_the_tools()
    {
        var tools = new AITool[]
        {
            AIFunctionFactory.Create((string city) => "sunny", "weather", "Today's weather."),
            AIFunctionFactory.Create(() => "12:00", "time", "The time."),
        };
        var options = new ChatOptions { Tools = tools, ToolMode = ChatToolMode.RequireAny, Temperature = 1, TopK = 0, TopP = 1, Seed = 3, MaxOutputTokens = 300 };

        var response = await model.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")], options);

        var call = Assert.Single(response.Messages.SelectMany(message => message.Contents).OfType<FunctionCallContent>());
        Assert.Contains(call.Name, new[] { "weather", "time" });
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
    }
}
