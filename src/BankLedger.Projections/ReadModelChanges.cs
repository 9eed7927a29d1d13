namespace BankLedger.Projections;

/// <summary>
/// In-process signal raised after every batch the projection commits. Queries that wait for a sequence
/// (read-your-writes) wake on it instead of polling blindly; when the projection runs on another node
/// they fall back to polling at <see cref="FallbackPollInterval"/>.
/// </summary>
public sealed class ReadModelChanges
{
    public static readonly TimeSpan FallbackPollInterval = TimeSpan.FromMilliseconds(20);

    private TaskCompletionSource _next = NewSource();

    public void Notify() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    /// <summary>Completes at the next <see cref="Notify"/> or after the fallback interval, whichever is first.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        var changed = Volatile.Read(ref _next).Task;
        await Task.WhenAny(changed, Task.Delay(FallbackPollInterval, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
