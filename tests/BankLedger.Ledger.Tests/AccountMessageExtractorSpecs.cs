using BankLedger.Domain;
using BankLedger.Ledger.Sharding;
using BankLedger.Ledger.Tests.Support;

namespace BankLedger.Ledger.Tests;

public sealed class AccountMessageExtractorSpecs
{
    private readonly AccountMessageExtractor _extractor = new();

    private static readonly string[] Kinds = ["open", "deposit", "withdraw", "lock", "unlock"];

    public static TheoryData<string> CommandKinds => [.. Kinds];

    private static AccountCommand CommandOf(string kind, AccountId account) => kind switch
    {
        "open" => Commands.Open(account),
        "deposit" => Commands.Deposit(account, "dep-1", 100),
        "withdraw" => Commands.Withdraw(account, "wd-1", 100),
        "lock" => Commands.Lock(account, "lock-1"),
        "unlock" => Commands.Unlock(account, "unlock-1"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(CommandKinds))]
    public void The_entity_id_of_an_account_command_is_its_account_id(string kind)
    {
        var account = AccountId.Parse("acc-routing-7");
        var command = CommandOf(kind, account);

        Assert.Equal("acc-routing-7", _extractor.EntityId(command));
        Assert.Same(command, _extractor.EntityMessage(command));
    }

    [Fact]
    public void All_commands_of_one_account_go_to_one_shard_within_the_fixed_range()
    {
        var account = AccountId.Parse("acc-routing-7");
        var shards = Kinds
            .Select(kind => CommandOf(kind, account))
            .Select(command => _extractor.ShardId(_extractor.EntityId(command)!, command)).Distinct().ToList();

        var shard = Assert.Single(shards)!;
        Assert.InRange(int.Parse(shard, System.Globalization.CultureInfo.InvariantCulture), 0, AccountMessageExtractor.MaxShards - 1);
    }

    [Fact]
    public void A_message_that_is_not_an_account_command_has_no_entity_id()
    {
        Assert.Null(_extractor.EntityId("hello"));
        Assert.Null(_extractor.EntityId(new CommandRejected(new Rejection("x", "y"))));
    }
}
