namespace BankLedger.TestSupport;

/// <summary>A unique folder under <c>{temp}/bankledger-tests/</c>, deleted recursively on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string? prefix = null)
    {
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bankledger-tests");
        var name = string.IsNullOrWhiteSpace(prefix)
            ? Guid.NewGuid().ToString("N")
            : $"{prefix}-{Guid.NewGuid():N}";
        Path = System.IO.Path.Combine(root, name);
        Directory.CreateDirectory(Path);
    }

    /// <summary>Absolute path of the folder.</summary>
    public string Path { get; }

    /// <summary>Path of an entry (file or folder) inside this folder.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a file may still be held open (e.g. SQLite WAL); the OS temp cleaner gets it.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }

    public override string ToString() => Path;
}
