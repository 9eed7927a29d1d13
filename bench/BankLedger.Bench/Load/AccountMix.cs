namespace BankLedger.Bench.Load;

/// <summary>Which account the next request goes to.</summary>
internal abstract class AccountMix(string name)
{
    public string Name { get; } = name;

    /// <summary>Called only from the generator's single sending thread.</summary>
    public abstract int Next(Random random);

    /// <summary>Every account equally likely.</summary>
    public static AccountMix Uniform(int accounts) => new UniformMix(accounts);

    /// <summary>
    /// Half the traffic to <paramref name="hot"/> accounts (0..hot-1), the other half uniform over the rest:
    /// the skew that serializes a per-row-lock design on a few rows.
    /// </summary>
    public static AccountMix Hot(int accounts, int hot) => new HotMix(accounts, hot);

    private sealed class UniformMix(int accounts) : AccountMix("uniform")
    {
        public override int Next(Random random) => random.Next(accounts);
    }

    private sealed class HotMix(int accounts, int hot) : AccountMix("hot")
    {
        public override int Next(Random random) => random.Next(2) == 0 ? random.Next(hot) : hot + random.Next(accounts - hot);
    }
}
