using static TorchSharp.torch;

namespace Strata.Synthesis.Training;

/// <summary>Gradient diagnostics shared by the trainers.</summary>
internal static class Gradients
{
    /// <summary>The L2 norm of all of <paramref name="module"/>'s gradients, computed in one reduction (one sync with native code).</summary>
    public static double Norm(nn.Module module)
    {
        using var scope = NewDisposeScope();
        var squares = module.parameters().Where(p => p.grad is not null).Select(p => p.grad!.pow(2).sum()).ToList();
        return squares.Count == 0 ? 0 : stack(squares).sum().sqrt().item<float>();
    }
}
