using System.Reflection;
using System.Runtime.ExceptionServices;
using BankLedger.Projections;
using BankLedger.Projections.Tests;

namespace BankLedger.ReadStore.Elasticsearch.Tests;

/// <summary>
/// The same shared contract against a real Elasticsearch 9 cluster, opt-in through
/// <see cref="RealCluster.UrlVariable"/>. xunit cannot put a conditional skip on facts inherited from
/// <see cref="ReadStoreContract"/>, so each contract fact becomes one case of a conditionally skipped theory
/// and is run here exactly as xunit would run it: new instance, InitializeAsync, the fact, DisposeAsync.
/// </summary>
public sealed class RealClusterReadStoreContract
{
    public static TheoryData<string> ContractFacts()
    {
        var data = new TheoryData<string>();
        foreach (var method in typeof(ReadStoreContract).GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<FactAttribute>() is not null)
            {
                data.Add(method.Name);
            }
        }

        return data;
    }

    [RealClusterTheory]
    [MemberData(nameof(ContractFacts))]
    public async Task Contract_holds_on_the_real_cluster(string fact)
    {
        var method = typeof(ReadStoreContract).GetMethod(fact, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"no contract fact '{fact}'");
        var run = new Run();
        await run.InitializeAsync();
        try
        {
            await (Task)method.Invoke(run, null)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
        finally
        {
            await run.DisposeAsync();
        }
    }

    /// <summary>Not public: xunit must not discover (and run unconditionally) the facts it inherits.</summary>
    private sealed class Run : ReadStoreContract
    {
        private readonly ElasticsearchReadStoreOptions _options = RealCluster.Options(TestStores.NewPrefix());

        protected override Task<IReadStore> CreateStoreAsync() => Task.FromResult<IReadStore>(new ElasticsearchReadStore(_options));

        protected override async Task<IReadStore> ReopenStoreAsync(IReadStore store)
        {
            await DisposeStoreAsync(store);
            return new ElasticsearchReadStore(_options);
        }

        protected override Task CleanupAsync() => TestStores.DeleteIndicesAsync(_options);
    }
}
