using System.CommandLine;
using Spectre.Console;
using Strata.Cli.Output;
using Strata.Models.Diagnostics;
using Strata.Core.Diagnostics;
using Strata.Models;
using Strata.Synthesis.Runtime;

namespace Strata.Cli.Commands;

/// <summary><c>strata doctor</c>: what this machine can run, and why a runtime cannot.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var json = CliOptions.Json();
        var command = new Command("doctor", "Check the machine: CPU features, memory, disk, STRATA_HOME and each runtime") { json };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var context = CliContext.Create(parse);
            var system = SystemReport.Read();
            var storage = StorageReport.Read(context.Paths.Home);
            var runtimes = RuntimeProbes.ProbeAll().Append(TorchRuntime.Probe()).ToList();
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(new { system, storage, runtimes });
            }

            var facts = new Grid().AddColumn().AddColumn();
            facts.AddRow("[grey]system[/]", Markup.Escape($"{system.OperatingSystem} ({system.Architecture}), {system.DotnetVersion}"));
            facts.AddRow("[grey]cpu[/]", Markup.Escape($"{system.Cpu ?? "unknown"}, {system.Cores} logical cores"));
            facts.AddRow("[grey]cpu features[/]", Markup.Escape(string.Join(' ', system.CpuFeatures)));
            facts.AddRow("[grey]memory[/]", Markup.Escape($"{ByteSize.Format(system.MemoryTotalBytes)} total" + (system.MemoryAvailableBytes is { } free ? $", {ByteSize.Format(free)} available" : "")));
            facts.AddRow("[grey]STRATA_HOME[/]", Markup.Escape($"{storage.Home} ({(storage.Exists ? "exists" : "not created yet")}, {(storage.Writable ? "writable" : "NOT writable")})"));
            facts.AddRow("[grey]disk[/]", Markup.Escape($"{ByteSize.Format(storage.FreeBytes)} free of {ByteSize.Format(storage.TotalBytes)}"));
            AnsiConsole.Write(facts);

            var table = new Table().AddColumns("runtime", "status", "version", "detail");
            foreach (var runtime in runtimes)
            {
                table.AddRow(
                    Markup.Escape(runtime.Name),
                    runtime.Available ? "[green]ok[/]" : "[yellow]unavailable[/]",
                    Markup.Escape(runtime.Version ?? ""),
                    Markup.Escape(runtime.Detail));
            }

            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }
}
