namespace BankLedger.Projections;

/// <summary>
/// The read store cannot answer right now: unreachable, timed out, overloaded or failing on its side (5xx).
/// Transient by nature: queries map it to 503 <c>read_store_unavailable</c>; a projection retries with backoff.
/// Adapters throw it for infrastructure trouble only, never for a bug such as a gap or a rejected document.
/// </summary>
public sealed class ReadStoreUnavailableException : Exception
{
    public ReadStoreUnavailableException(string message)
        : base(message)
    {
    }

    public ReadStoreUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
