using System.Text;
using Strata.Synthesis.Configuration;

namespace Strata.Synthesis.Training;

/// <summary>
/// The header every trainer's checkpoint starts with: a magic string naming the trainer, the config as JSON, and
/// the step. Restoring refuses another trainer's checkpoint or another configuration's.
/// </summary>
internal static class Checkpoint
{
    private static readonly string[] Magics = ["STRATA-GAN-CHECKPOINT-1", "STRATA-DDPM-CHECKPOINT-1"];

    public static BinaryWriter WriteHeader(Stream stream, string magic, SynthesisConfig config, long step)
    {
        var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(magic);
        writer.Write(config.ToJson());
        writer.Write(step);
        return writer;
    }

    /// <summary>Reads the header and returns the reader (positioned at the weights) and the saved step.</summary>
    public static (BinaryReader Reader, long Step) ReadHeader(Stream stream, string magic, SynthesisConfig expected)
    {
        var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var found = reader.ReadString();
        if (found != magic)
        {
            reader.Dispose();
            throw new InvalidDataException(Magics.Contains(found) ? $"This checkpoint was written by another trainer ({found}), not {magic}." : "Not a Strata training checkpoint.");
        }

        var saved = SynthesisConfig.Parse(reader.ReadString(), "the checkpoint's config");
        if (saved.ToJson() != expected.ToJson())
        {
            reader.Dispose();
            throw new InvalidOperationException($"The checkpoint was written for a different configuration ('{saved.Name}'); resume with the run's own config.");
        }

        return (reader, reader.ReadInt64());
    }

    /// <summary>Stops the run when a metric of step <paramref name="step"/> is NaN or infinite.</summary>
    public static void ThrowIfDiverged(long step, IReadOnlyDictionary<string, double> metrics)
    {
        foreach (var (name, value) in metrics)
        {
            if (!double.IsFinite(value))
            {
                throw new TrainingDivergedException(
                    $"Training diverged at step {step}: {name} is {value}. The last checkpoint is intact; lower training.learningRate or change the seed and resume or restart.");
            }
        }
    }
}
