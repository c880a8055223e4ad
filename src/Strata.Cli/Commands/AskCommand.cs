using System.CommandLine;
using Strata.Cli.Output;
using Strata.Orchestration.Prompts;
using Strata.Orchestration.Rag;

namespace Strata.Cli.Commands;

/// <summary><c>strata ask -c NAME QUESTION</c>: an answer from a collection, citing its sources.</summary>
internal static class AskCommand
{
    public static Command Create()
    {
        var collection = new Option<string>("--collection", "-c") { Description = "The collection to answer from", Required = true };
        var model = new Option<string?>("--model", "-m") { Description = "The chat model (default Models:DefaultChat; none: an extractive answer)" };
        var mode = new Option<string>("--mode") { Description = "dense, bm25 or hybrid", DefaultValueFactory = _ => "hybrid" };
        mode.AcceptOnlyFromAmong("dense", "bm25", "hybrid");
        var k = new Option<int>("-k") { Description = $"Passages to retrieve ({RagLimits.MinK}-{RagLimits.MaxK})", DefaultValueFactory = _ => RagLimits.DefaultK };
        var json = CliOptions.Json();
        var question = new Argument<string>("question") { Description = "The question" };
        var command = new Command("ask", "Answer a question from a collection with numbered citations") { collection, model, mode, k, json, question };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            if (RagLimits.CheckK(parse.GetValue(k), "-k") is { } problem)
            {
                throw new CliUsageException(problem);
            }

            var context = CliContext.Create(parse);
            using var target = await DataCommandSupport.Database(context).OpenAsync(parse.GetRequiredValue(collection), cancellationToken);
            var options = new RagOptions
            {
                ChatModel = parse.GetValue(model) ?? context.Models.DefaultChat,
                Mode = Enum.Parse<RetrievalMode>(parse.GetRequiredValue(mode), ignoreCase: true),
                K = parse.GetValue(k),
            };
            var rag = context.Get<RagService>();
            RagAnswer? answer = null;
            var streaming = !parse.GetValue(json);
            await foreach (var update in rag.AskStreamingAsync(target, parse.GetRequiredValue(question), options, cancellationToken))
            {
                if (streaming && options.ChatModel is not null)
                {
                    Console.Write(update.Text);
                }

                answer = update.Final ?? answer;
            }

            if (!streaming)
            {
                return JsonOutput.WriteWithNulls(new
                {
                    answer = answer!.Answer,
                    extractive = answer.Extractive,
                    citations = answer.Citations.Select(c => new { n = c.Number, source = c.Passage.Source, page = c.Passage.PageNumber, chunk = c.Passage.ChunkIndex, text = c.Passage.Text }),
                    removedCitations = answer.RemovedCitations,
                });
            }

            if (options.ChatModel is null)
            {
                Console.Write(answer!.Answer);
            }
            else
            {
                Console.WriteLine();
                Console.WriteLine();
                foreach (var citation in answer!.Citations.DistinctBy(c => c.Number))
                {
                    Console.WriteLine($"[{citation.Number}] {citation.Passage.Source}{(citation.Passage.PageNumber is { } page ? $", page {page}" : "")}");
                }
            }

            return 0;
        }));
        return command;
    }
}
