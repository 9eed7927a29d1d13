namespace BankLedger.Node;

/// <summary>Invalid configuration found at start; <see cref="Key"/> names the setting to fix.</summary>
public sealed class LedgerConfigurationException(string key, string problem)
    : Exception($"Invalid configuration '{key}': {problem}")
{
    public string Key { get; } = key;
}
