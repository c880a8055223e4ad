using Strata.Synthesis.Diffusion;
using Strata.Synthesis.Sampling;

namespace Strata.Synthesis.Tests.Diffusion;

public sealed class NoiseScheduleTests
{
    [Theory]
    [InlineData("linear", 1000)]
    [InlineData("cosine", 1000)]
    [InlineData("linear", 50)]
    [InlineData("cosine", 50)]
    public void Alpha_bar_falls_strictly_from_almost_one_to_almost_zero(string kind, int timesteps)
    {
        var schedule = NoiseSchedule.Create(kind, timesteps);
        Assert.Equal(timesteps, schedule.Timesteps);
        Assert.All(schedule.Betas, b => Assert.InRange(b, 1e-6, 0.999));
        for (var t = 1; t < timesteps; t++)
        {
            Assert.True(schedule.AlphaBars[t] < schedule.AlphaBars[t - 1], $"ᾱ does not fall at t = {t}");
        }

        Assert.InRange(schedule.AlphaBars[0], 0.97, 1.0);
        Assert.InRange(schedule.AlphaBars[^1], 0, 0.01);
    }

    [Fact]
    public void Linear_runs_from_1e4_to_002_and_cosine_follows_its_closed_form()
    {
        var linear = NoiseSchedule.Create("linear", 1000);
        Assert.Equal(1e-4, linear.Betas[0], 12);
        Assert.Equal(0.02, linear.Betas[^1], 12);
        // Ho et al.'s schedule leaves about 4e-5 of the signal at T = 1000.
        Assert.InRange(linear.AlphaBars[^1], 3e-5, 5e-5);

        var cosine = NoiseSchedule.Create("cosine", 1000);
        static double F(double u) => Math.Pow(Math.Cos((u + 0.008) / 1.008 * Math.PI / 2), 2);
        foreach (var t in new[] { 0, 250, 500, 750 })
        {
            Assert.Equal(F((t + 1) / 1000.0) / F(0), cosine.AlphaBars[t], 9);
        }

        // The point of the cosine schedule: halfway through, far more signal is left than under the linear one.
        Assert.True(cosine.AlphaBars[499] > 2 * linear.AlphaBars[499], $"{cosine.AlphaBars[499]} vs {linear.AlphaBars[499]}");
        Assert.Throws<ArgumentException>(() => NoiseSchedule.Create("quadratic", 10));
    }

    [Theory]
    [InlineData(1000, 50)]
    [InlineData(50, 5)]
    [InlineData(50, 50)]
    [InlineData(10, 1)]
    public void Ddim_visits_k_distinct_ascending_steps_ending_at_the_last(int timesteps, int steps)
    {
        var visited = DiffusionSampler.DdimTimesteps(timesteps, steps);
        Assert.Equal(steps, visited.Length);
        Assert.Equal(timesteps - 1, visited[^1]);
        Assert.True(visited.Zip(visited.Skip(1)).All(p => p.First < p.Second));
        Assert.Equal(steps == 1 ? timesteps - 1 : 0, visited[0]);
    }
}
