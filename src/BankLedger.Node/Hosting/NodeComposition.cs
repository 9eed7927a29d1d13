using Akka.Hosting;
using BankLedger.Api;
using BankLedger.Api.Problems;
using BankLedger.Projections;
using BankLedger.ReadStore.Elasticsearch;
using BankLedger.ReadStore.Sqlite;

namespace BankLedger.Node.Hosting;

/// <summary>Wires a node from its validated settings: which parts run depends on its roles.</summary>
public static class NodeComposition
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Binds and validates the <c>Ledger</c> section, then registers everything the node's roles need.</summary>
    public static NodeSettings AddBankLedger(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(LedgerOptions.Section).Get<LedgerOptions>() ?? new LedgerOptions();
        // Relative data folders resolve against the working directory, where the operator ran the command.
        var settings = NodeSettings.Resolve(options, Environment.CurrentDirectory);
        DataDirectory.Prepare(settings);

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrl);

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new QueryOptions(settings.Http.ReadYourWritesTimeout));
        services.AddSingleton<ReadModelChanges>();
        services.AddSingleton<ProjectionStats>();
        services.AddSingleton<IReadStore>(_ => CreateReadStore(settings));
        services.AddHostedService<ReadStoreInitializer>();
        // GC tuning for server GC, the node's default, only. Its gen-0 budget is ~200 MB per heap, so the node paces
        // gen 0 itself; workstation GC (e.g. a node hosted in a test process) sizes gen 0 by the CPU cache and so
        // collects often and briefly already. The ballast likewise: a test process hosting many nodes keeps its memory.
        if (System.Runtime.GCSettings.IsServerGC)
        {
            if (settings.GcGen0BudgetBytes > 0)
                services.AddHostedService(sp => new GcPacer(settings.GcGen0BudgetBytes, sp.GetRequiredService<ILogger<GcPacer>>()));
            if (settings.GcGen2BallastBytes > 0)
                services.AddHostedService(_ => new GcBallast(settings.GcGen2BallastBytes));
        }

        // A query-only node serves from the read store alone: no actor system, no journal, no cluster.
        if (!settings.NeedsActorSystem) return settings;
        ReflectionCacheAnchor.HoldStreamInterpreterConstructors();

        services.AddAkka(AkkaComposition.SystemName, (akka, _) => akka
            .AddLedgerPersistence(settings)
            .AddLedgerCluster(settings)
            .AddAccountSharding(settings, TimeProvider.System));
        services.AddSingleton<ICommandGateway, ShardedCommandGateway>();
        if (SqliteWalCheckpointer.FilesOf(settings) is { Count: > 0 } walFiles)
            services.AddHostedService(sp => new SqliteWalCheckpointer(walFiles, sp.GetRequiredService<ILogger<SqliteWalCheckpointer>>()));
        if (settings.HasRole("ledger")) services.AddHostedService<RecoveryWarmUp>();

        if (settings.HasRole("projection"))
        {
            services.AddSingleton(ProjectionSettingsFor(settings.ReadStoreProvider));
            services.AddHostedService<ProjectionHost>();
        }
        return settings;
    }

    /// <summary>
    /// SQLite takes far bigger batches than the default. Its history table is clustered by account, so a commit
    /// writes about one page per account the batch touches, however many events each brought: batches that carry
    /// several events per account divide that cost. Rebuild of 1 M events over 10,000 accounts (node, SQLite
    /// journal): 22k events/s with 5,000-event batches, 28-33k with 20,000, 44k with 50,000. Batches only grow
    /// while the store is busy (catch-up, overload), and 50,000 events are ~50 MB in flight. Elasticsearch keeps
    /// the default: its batch is one bulk request.
    /// </summary>
    private static ProjectionSettings ProjectionSettingsFor(ReadStoreProvider provider) => provider switch
    {
        ReadStoreProvider.Sqlite => new ProjectionSettings { MaxBatchSize = 50_000 },
        _ => new ProjectionSettings(),
    };

    private static IReadStore CreateReadStore(NodeSettings settings)
    {
        try
        {
            return settings.ReadStoreProvider switch
            {
                ReadStoreProvider.Sqlite => new SqliteReadStore(settings.ReadStorePath),
                ReadStoreProvider.Elasticsearch => new ElasticsearchReadStore(settings.Elasticsearch!),
                _ => throw new LedgerConfigurationException("Ledger:ReadStore:Provider", "unsupported"),
            };
        }
        catch (ArgumentException e)
        {
            throw new LedgerConfigurationException("Ledger:ReadStore:Elasticsearch:IndexPrefix", e.Message);
        }
    }

    public static WebApplication MapBankLedger(this WebApplication app, NodeSettings settings)
    {
        app.UseProblemResponses();
        app.MapGet("/health", () => Results.Ok(new { status = "ok", roles = settings.Roles.Order() }));
        app.MapRuntimeAdminEndpoints();
        if (settings.HasRole("gateway")) app.MapCommandEndpoints();
        if (settings.HasRole("query")) app.MapQueryEndpoints();
        if (settings.HasRole("projection")) app.MapProjectionAdminEndpoints();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BankLedger.Node");
        app.Lifetime.ApplicationStarted.Register(() => logger.LogInformation(
            "BankLedger node started: roles {Roles}; data in {DataDirectory}; journal {Journal}; listening on {Urls}",
            string.Join(",", settings.Roles.Order()), settings.DataDirectory, settings.JournalProvider,
            string.Join(", ", app.Urls)));
        return app;
    }
}
