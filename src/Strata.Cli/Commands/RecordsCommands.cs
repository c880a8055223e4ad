using System.CommandLine;
using Strata.Cli.Output;

namespace Strata.Cli.Commands;

/// <summary><c>strata get</c> and <c>strata delete</c>: records by id (or, for delete, by filter).</summary>
internal static class RecordsCommands
{
    public static Command Get()
    {
        var collectionName = new Option<string>("--collection", "-c") { Description = "The collection", Required = true };
        var ids = new Argument<string[]>("id") { Description = "Record ids", Arity = ArgumentArity.OneOrMore };
        var json = CliOptions.Json();
        var command = new Command("get", "Show records by id") { collectionName, ids, json };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            using var collection = await DataCommandSupport.Database(CliContext.Create(parse)).OpenAsync(parse.GetRequiredValue(collectionName), cancellationToken);
            var records = await collection.GetAsync(parse.GetRequiredValue(ids), cancellationToken);
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(records.Select(r => DataCommandSupport.Describe(r, includeVector: true)));
            }

            foreach (var record in records)
            {
                Console.WriteLine($"{record.Id}  {record.Metadata?.ToJsonString() ?? "{}"}  {record.Document}");
            }

            return records.Count == parse.GetRequiredValue(ids).Distinct(StringComparer.Ordinal).Count() ? 0 : CliAction.Failure;
        }));
        return command;
    }

    public static Command Delete()
    {
        var collectionName = new Option<string>("--collection", "-c") { Description = "The collection", Required = true };
        var ids = new Argument<string[]>("id") { Description = "Record ids", Arity = ArgumentArity.ZeroOrMore };
        var filter = new Option<string?>("--filter") { Description = "Delete every record matching this JSON filter" };
        var command = new Command("delete", "Delete records by id or by filter") { collectionName, ids, filter };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var idList = parse.GetValue(ids) ?? [];
            var filterJson = parse.GetValue(filter);
            if ((idList.Length == 0) == (filterJson is null))
            {
                throw new CliUsageException("Give either ids or --filter (not both).");
            }

            using var collection = await DataCommandSupport.Database(CliContext.Create(parse)).OpenAsync(parse.GetRequiredValue(collectionName), cancellationToken);
            var deleted = filterJson is null
                ? await collection.DeleteAsync(idList, cancellationToken)
                : await collection.DeleteAsync(DataCommandSupport.Filter(filterJson)!, cancellationToken);
            Console.WriteLine($"deleted {deleted}");
            return 0;
        }));
        return command;
    }
}
