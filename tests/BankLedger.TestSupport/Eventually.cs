namespace BankLedger.TestSupport;

/// <summary>
/// Deadline polling for asynchronous outcomes. Polls a probe every few milliseconds until it holds,
/// and fails with a <see cref="TimeoutException"/> naming what was awaited when the deadline passes.
/// </summary>
public static class Eventually
{
    /// <summary>Delay between two polls.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(15);

    /// <summary>Waits until <paramref name="condition"/> returns true.</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string because)
    {
        ArgumentNullException.ThrowIfNull(condition);
        await Value<object>(async () => await condition().ConfigureAwait(false) ? true : null, timeout, because)
            .ConfigureAwait(false);
    }

    /// <summary>Waits until <paramref name="condition"/> returns true.</summary>
    public static Task Until(Func<bool> condition, TimeSpan timeout, string because)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return Until(() => Task.FromResult(condition()), timeout, because);
    }

    /// <summary>Waits until <paramref name="probe"/> returns a non-null value, and returns it.</summary>
    public static async Task<T> Value<T>(Func<Task<T?>> probe, TimeSpan timeout, string because)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        return await Poll(async () =>
        {
            var value = await probe().ConfigureAwait(false);
            return (value is not null, value!);
        }, timeout, because).ConfigureAwait(false);
    }

    /// <summary>Waits until <paramref name="probe"/> returns a value (non-null nullable value type), and returns it.</summary>
    public static async Task<T> Value<T>(Func<Task<T?>> probe, TimeSpan timeout, string because)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(probe);
        return await Poll(async () =>
        {
            var value = await probe().ConfigureAwait(false);
            return (value.HasValue, value.GetValueOrDefault());
        }, timeout, because).ConfigureAwait(false);
    }

    private static async Task<T> Poll<T>(Func<Task<(bool Done, T Value)>> probe, TimeSpan timeout, string because)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        Exception? lastError = null;
        var attempts = 0;
        while (true)
        {
            attempts++;
            try
            {
                var (done, value) = await probe().ConfigureAwait(false);
                if (done)
                {
                    return value;
                }

                lastError = null;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A probe may fail while the system converges (e.g. a table not created yet); keep polling.
                lastError = ex;
            }

            if (started.Elapsed >= timeout)
            {
                var message = $"Timed out after {started.Elapsed.TotalMilliseconds:F0} ms ({attempts} attempts) " +
                              $"waiting for: {because}";
                throw lastError is null
                    ? new TimeoutException(message)
                    : new TimeoutException(message + $" (last probe error: {lastError.GetType().Name}: {lastError.Message})", lastError);
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }
}
