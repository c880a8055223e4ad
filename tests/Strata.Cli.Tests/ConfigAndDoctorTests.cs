using System.Text.Json;

namespace Strata.Cli.Tests;

public sealed class ConfigAndDoctorTests
{
    [Fact]
    public async Task Configuration_layers_apply_in_order_defaults_file_environment_options()
    {
        using var strata = new StrataProcess();
        File.WriteAllText(Path.Combine(strata.Home, "strata.json"), """
            { "Server": { "Urls": "http://127.0.0.1:1111" }, "Layer": { "File": "file", "Env": "file", "Option": "file" } }
            """);
        strata.Environment["STRATA__Layer__Env"] = "env";
        strata.Environment["STRATA__Layer__Option"] = "env";

        var result = await strata.RunAsync("config", "show", "--json", "--set", "Layer:Option=option");

        Assert.Equal(0, result.ExitCode);
        var values = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("values");
        Assert.Equal("http://127.0.0.1:1111", values.GetProperty("Server:Urls").GetString());
        Assert.Equal("https://huggingface.co", values.GetProperty("HuggingFace:Endpoint").GetString());
        Assert.Equal("file", values.GetProperty("Layer:File").GetString());
        Assert.Equal("env", values.GetProperty("Layer:Env").GetString());
        Assert.Equal("option", values.GetProperty("Layer:Option").GetString());
    }

    [Fact]
    public async Task Config_show_masks_secrets_from_every_source()
    {
        using var strata = new StrataProcess();
        strata.Environment["HF_TOKEN"] = "hf_secret_token_value";
        strata.Environment["STRATA__Server__ApiKeys__0"] = "sk-secret-key-value";

        var json = await strata.RunAsync("config", "show", "--json");
        var human = await strata.RunAsync("config", "show");

        foreach (var output in new[] { json.Stdout, human.Stdout })
        {
            Assert.DoesNotContain("hf_secret_token_value", output, StringComparison.Ordinal);
            Assert.DoesNotContain("sk-secret-key-value", output, StringComparison.Ordinal);
        }

        var values = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("values");
        Assert.Equal("********", values.GetProperty("HuggingFace:Token").GetString());
    }

    [Fact]
    public async Task Doctor_json_reports_the_machine_and_each_runtime()
    {
        using var strata = new StrataProcess();

        var result = await strata.RunAsync("doctor", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var report = JsonDocument.Parse(result.Stdout);
        Assert.True(report.RootElement.GetProperty("system").GetProperty("cores").GetInt32() > 0);
        Assert.Equal(strata.Home, report.RootElement.GetProperty("storage").GetProperty("home").GetString());
        var runtimes = report.RootElement.GetProperty("runtimes").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.True(runtimes["llama.cpp"].GetProperty("available").GetBoolean(), runtimes["llama.cpp"].GetProperty("detail").GetString());
        Assert.True(runtimes["ONNX Runtime"].GetProperty("available").GetBoolean(), runtimes["ONNX Runtime"].GetProperty("detail").GetString());
        Assert.Contains("CUDA", runtimes.Keys);
        Assert.Contains("TorchSharp", runtimes.Keys);
    }
}
