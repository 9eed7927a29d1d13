using BankLedger.Node;
using Microsoft.Extensions.Configuration;

namespace BankLedger.IntegrationTests;

/// <summary>Binding and validation of the Ledger section, without starting a node.</summary>
public sealed class NodeSettingsTests
{
    private static NodeSettings Resolve(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
        var options = configuration.GetSection(LedgerOptions.Section).Get<LedgerOptions>() ?? new LedgerOptions();
        return NodeSettings.Resolve(options, "/srv/ledger");
    }

    [Fact]
    public void Defaults_are_the_embedded_single_node()
    {
        var settings = Resolve();
        Assert.Equal("/srv/ledger/data", settings.DataDirectory);
        Assert.Equal(["gateway", "ledger", "projection", "query"], settings.Roles.Order());
        Assert.Equal(100, settings.SnapshotEvery);
        Assert.Equal(JournalProvider.Sqlite, settings.JournalProvider);
        Assert.Equal("/srv/ledger/data/journal.db", settings.SqliteJournalPath);
        Assert.Equal("/srv/ledger/data/journal.snapshots.db", settings.SqliteSnapshotPath);
        Assert.Contains("Data Source=/srv/ledger/data/journal.snapshots.db", settings.SnapshotConnectionString);
        Assert.Equal("/srv/ledger/data/readmodel.db", settings.ReadStorePath);
        Assert.Empty(settings.SeedNodes);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.Http.ReadYourWritesTimeout);
        Assert.Equal(2 * 1024 * 1024, settings.GcGen0BudgetBytes);
        Assert.Equal(512L * 1024 * 1024, settings.GcGen2BallastBytes);
    }

    [Fact]
    public void Every_documented_key_overrides_its_default()
    {
        var settings = Resolve(
            ("Ledger:DataDirectory", "/var/lib/ledger"),
            ("Ledger:Roles", "Gateway, query"),
            ("Ledger:SnapshotEvery", "25"),
            ("Ledger:Journal:Provider", "PostgreSQL"),
            ("Ledger:Journal:ConnectionString", "Host=db;Database=ledger"),
            ("Ledger:Cluster:Hostname", "10.1.2.3"),
            ("Ledger:Cluster:Port", "4053"),
            ("Ledger:Cluster:SeedNodes", "akka.tcp://bankledger@10.1.2.3:4053, akka.tcp://bankledger@10.1.2.4:4053"),
            ("Ledger:Http:CommandTimeout", "00:00:03"),
            ("Ledger:Http:ReadYourWritesTimeout", "00:00:00.500"),
            ("Ledger:Gc:Gen0BudgetBytes", "0"),
            ("Ledger:Gc:Gen2BallastBytes", "1048576"));
        Assert.Equal("/var/lib/ledger", settings.DataDirectory);
        Assert.Equal(["gateway", "query"], settings.Roles.Order());
        Assert.Equal(25, settings.SnapshotEvery);
        Assert.Equal(JournalProvider.PostgreSql, settings.JournalProvider);
        Assert.Equal("Host=db;Database=ledger", settings.JournalConnectionString);
        Assert.Null(settings.SqliteJournalPath);
        Assert.Null(settings.SqliteSnapshotPath);
        Assert.Equal(settings.JournalConnectionString, settings.SnapshotConnectionString);
        Assert.Equal("10.1.2.3", settings.ClusterHostname);
        Assert.Equal(4053, settings.ClusterPort);
        Assert.Equal(2, settings.SeedNodes.Count);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.Http.CommandTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.Http.ReadYourWritesTimeout);
        Assert.Equal(0, settings.GcGen0BudgetBytes);
        Assert.Equal(1_048_576, settings.GcGen2BallastBytes);
    }

    [Theory]
    [InlineData("Ledger:Journal:Provider", "oracle", "Ledger:Journal:Provider")]
    [InlineData("Ledger:ReadStore:Provider", "redis", "Ledger:ReadStore:Provider")]
    [InlineData("Ledger:Roles", " , ", "Ledger:Roles")]
    [InlineData("Ledger:Roles", "ledger,accountant", "Ledger:Roles")]
    [InlineData("Ledger:SnapshotEvery", "-1", "Ledger:SnapshotEvery")]
    [InlineData("Ledger:Cluster:Port", "70000", "Ledger:Cluster:Port")]
    [InlineData("Ledger:Cluster:SeedNodes", "not an address", "Ledger:Cluster:SeedNodes")]
    [InlineData("Ledger:Http:CommandTimeout", "00:00:00", "Ledger:Http:CommandTimeout")]
    [InlineData("Ledger:DataDirectory", " ", "Ledger:DataDirectory")]
    [InlineData("Ledger:Gc:Gen0BudgetBytes", "-1", "Ledger:Gc:Gen0BudgetBytes")]
    [InlineData("Ledger:Gc:Gen2BallastBytes", "-1", "Ledger:Gc:Gen2BallastBytes")]
    public void Invalid_values_name_their_key(string key, string value, string namedKey)
    {
        var error = Assert.Throws<LedgerConfigurationException>(() => Resolve((key, value)));
        Assert.Equal(namedKey, error.Key);
    }

    [Fact]
    public void Elasticsearch_settings_bind_with_several_urls_and_credentials()
    {
        var settings = Resolve(
            ("Ledger:ReadStore:Provider", "elasticsearch"),
            ("Ledger:ReadStore:Elasticsearch:Url", "http://es1:9200, http://es2:9200"),
            ("Ledger:ReadStore:Elasticsearch:Username", "elastic"),
            ("Ledger:ReadStore:Elasticsearch:Password", "secret"),
            ("Ledger:ReadStore:Elasticsearch:CertificateFingerprint", "AB:CD"),
            ("Ledger:ReadStore:Elasticsearch:IndexPrefix", "ledger-prod"));
        Assert.Equal(ReadStoreProvider.Elasticsearch, settings.ReadStoreProvider);
        Assert.Equal(["http://es1:9200/", "http://es2:9200/"], settings.Elasticsearch!.Urls.Select(u => u.ToString()));
        Assert.Equal(("elastic", "secret", "AB:CD", "ledger-prod"),
            (settings.Elasticsearch.Username, settings.Elasticsearch.Password, settings.Elasticsearch.CertificateFingerprint, settings.Elasticsearch.IndexPrefix));
    }

    [Theory]
    [InlineData("", "", "", "Ledger:ReadStore:Elasticsearch:Url")]
    [InlineData("not a url", "", "", "Ledger:ReadStore:Elasticsearch:Url")]
    [InlineData("http://es:9200", "", "secret", "Ledger:ReadStore:Elasticsearch:Username")]
    [InlineData("http://es:9200", "elastic", "key", "Ledger:ReadStore:Elasticsearch:ApiKey")]
    public void Invalid_elasticsearch_settings_name_their_key(string url, string username, string secret, string namedKey)
    {
        var values = new List<(string, string)> { ("Ledger:ReadStore:Provider", "elasticsearch"), ("Ledger:ReadStore:Elasticsearch:Url", url) };
        if (username.Length > 0) values.Add(("Ledger:ReadStore:Elasticsearch:Username", username));
        if (secret == "key") values.Add(("Ledger:ReadStore:Elasticsearch:ApiKey", "abc"));
        else if (secret.Length > 0) values.Add(("Ledger:ReadStore:Elasticsearch:Password", secret));
        var error = Assert.Throws<LedgerConfigurationException>(() => Resolve(values.ToArray()));
        Assert.Equal(namedKey, error.Key);
    }

    [Fact]
    public void Postgresql_without_a_connection_string_names_the_connection_string_key()
    {
        var error = Assert.Throws<LedgerConfigurationException>(() => Resolve(("Ledger:Journal:Provider", "postgresql")));
        Assert.Equal("Ledger:Journal:ConnectionString", error.Key);
    }
}
