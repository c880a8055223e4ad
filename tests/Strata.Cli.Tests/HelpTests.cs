using System.CommandLine;

namespace Strata.Cli.Tests;

public sealed class HelpTests
{
    public static TheoryData<string> AllCommandPaths()
    {
        var paths = new TheoryData<string>();
        void Visit(Command command, string prefix)
        {
            foreach (var sub in command.Subcommands)
            {
                var path = (prefix + " " + sub.Name).Trim();
                paths.Add(path);
                Visit(sub, path);
            }
        }

        Visit(StrataCommandLine.Build(), "");
        return paths;
    }

    [Fact]
    public async Task Root_help_lists_every_command_with_a_description()
    {
        using var strata = new StrataProcess();

        var result = await strata.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var command in StrataCommandLine.Build().Subcommands)
        {
            Assert.False(string.IsNullOrWhiteSpace(command.Description), $"'{command.Name}' has no description");
            Assert.Contains(command.Name, result.Stdout, StringComparison.Ordinal);
            Assert.Contains(command.Description!, result.Stdout.Replace("\n", " ", StringComparison.Ordinal).Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(AllCommandPaths))]
    public void Every_command_has_help(string path)
    {
        var output = new StringWriter();
        var root = StrataCommandLine.Build();

        var exitCode = root.Parse([.. path.Split(' '), "--help"]).Invoke(new InvocationConfiguration { Output = output, Error = output });

        Assert.Equal(0, exitCode);
        Assert.Contains("Usage:", output.ToString(), StringComparison.Ordinal);
        // In-process the root is named after the test host, so check the command's own part of the usage line.
        Assert.Contains(" " + path + " ", output.ToString().Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_help_lists_every_server_setting_with_its_default()
    {
        using var strata = new StrataProcess();

        var result = await strata.RunAsync("serve", "--help");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n');
        foreach (var setting in Strata.Server.ServerSettings.All)
        {
            var line = Assert.Single(lines, l => l.TrimStart().StartsWith(setting.Key + " ", StringComparison.Ordinal));
            Assert.Contains(setting.Default, line, StringComparison.Ordinal);
        }

        Assert.Contains("HuggingFace:Endpoint", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Server:MaxUploadBytes", (await strata.RunAsync("collections", "--help")).Stdout, StringComparison.Ordinal);
    }
}
