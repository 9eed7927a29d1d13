namespace BankLedger.Domain.Tests.Support;

/// <summary>
/// Given/when/then for the account decider: <c>Given</c> past events (folded with <see cref="Account.Evolve"/>),
/// <c>When</c> one command is decided at a fixed, injected time, <c>Then</c> the event or the rejection.
/// </summary>
internal sealed class AccountSpec
{
    private AccountState _state;
    private Decision? _decision;

    public AccountSpec(DateTimeOffset? now = null)
    {
        Now = now ?? TestData.Now;
        _state = AccountState.Initial(TestData.AccountId);
    }

    /// <summary>The server time handed to <see cref="Account.Decide"/>.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>The state the command under test is decided against.</summary>
    public AccountState StateBefore => _state;

    public Decision Decision => _decision ?? throw new InvalidOperationException("Call When(...) before Then...(...).");

    public AccountSpec Given(params AccountEvent[] events)
    {
        _state = Account.Replay(_state, events);
        return this;
    }

    /// <summary>Adjusts the state directly, for states no short history reaches (e.g. a balance near <c>long.MaxValue</c>).</summary>
    public AccountSpec GivenState(Func<AccountState, AccountState> adjust)
    {
        _state = adjust(_state);
        return this;
    }

    /// <summary>Decides and applies each command, which must be accepted: a history built through the real decider.</summary>
    public AccountSpec GivenAccepted(params AccountCommand[] commands)
    {
        foreach (var command in commands)
        {
            var decision = Account.Decide(_state, command, Now);
            if (decision is not Accepted accepted)
                throw new InvalidOperationException($"Given command {command} was not accepted: {decision}");
            _state = Account.Evolve(_state, accepted.Event);
        }
        return this;
    }

    public AccountSpec When(AccountCommand command)
    {
        if (_decision is not null) throw new InvalidOperationException("A spec decides exactly one command.");
        _decision = Account.Decide(_state, command, Now);
        return this;
    }

    public AccountSpec ThenEvents(params AccountEvent[] expected)
    {
        Assert.Equal<AccountEvent>(expected, new[] { ThenAccepted().Event });
        return this;
    }

    public TEvent ThenEvent<TEvent>() where TEvent : AccountEvent => Assert.IsType<TEvent>(ThenAccepted().Event);

    public Accepted ThenAccepted() =>
        Decision as Accepted ?? throw new Xunit.Sdk.XunitException($"Expected the command to be accepted, but got {Decision}");

    public Rejection ThenRejected(string code)
    {
        var rejected = Decision as Rejected
            ?? throw new Xunit.Sdk.XunitException($"Expected a rejection with '{code}', but got {Decision}");
        Assert.Equal(code, rejected.Rejection.Code);
        Assert.False(string.IsNullOrWhiteSpace(rejected.Rejection.Detail), "a rejection explains itself to humans too");
        return rejected.Rejection;
    }

    public ProcessedCommand ThenAlreadyAccepted() =>
        (Decision as AlreadyAccepted
            ?? throw new Xunit.Sdk.XunitException($"Expected the command to be recognised as already accepted, but got {Decision}")).Original;

    /// <summary>The state after the decision: evolved by the event if accepted, unchanged otherwise.</summary>
    public AccountState ThenState() => Decision is Accepted accepted ? Account.Evolve(_state, accepted.Event) : _state;
}
