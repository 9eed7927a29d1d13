using System.Reflection;
using BankLedger.Node;
using YamlDotNet.RepresentationModel;

namespace BankLedger.IntegrationTests;

/// <summary>
/// docker-compose.yml cannot be run here (no Docker engine), so it is checked statically: every ledger
/// setting it passes exists in the options classes, every build and image reference resolves, every
/// service has a healthcheck, dependencies wait for health, and no two services publish the same port.
/// </summary>
public sealed class DockerComposeTests
{
    private static readonly string RepoRoot = FindRepoRoot();
    private static readonly YamlMappingNode Services = LoadServices();

    [Fact]
    public void The_topology_has_postgres_elasticsearch_a_ledger_node_and_a_query_node()
    {
        Assert.Equal(["elasticsearch", "ledger", "postgres", "query"], Services.Children.Keys.Select(k => k.ToString()).Order());
        Assert.Equal("gateway,ledger,projection", Environment("ledger")["Ledger__Roles"]);
        Assert.Equal("query", Environment("query")["Ledger__Roles"]);
        Assert.Equal("postgresql", Environment("ledger")["Ledger__Journal__Provider"]);
        Assert.All(["ledger", "query"], node => Assert.Equal("elasticsearch", Environment(node)["Ledger__ReadStore__Provider"]));
        Assert.DoesNotContain(Environment("query").Keys, key => key.StartsWith("Ledger__Journal__", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_ledger_environment_variable_names_an_existing_option()
    {
        foreach (var service in new[] { "ledger", "query" })
        {
            foreach (var key in Environment(service).Keys.Where(k => k.StartsWith("Ledger__", StringComparison.Ordinal)))
                Assert.True(OptionExists(key), $"{service}: {key} does not bind to any property of LedgerOptions");
        }
    }

    [Fact]
    public void The_option_check_itself_rejects_a_misspelt_key()
    {
        Assert.True(OptionExists("Ledger__ReadStore__Elasticsearch__Url"));
        Assert.False(OptionExists("Ledger__ReadStore__Elasticsearch__Uri"));
        Assert.False(OptionExists("Ledger__Journal"));
    }

    [Fact]
    public void Built_services_use_the_repository_dockerfile_and_images_are_pinned()
    {
        foreach (var (name, service) in Each())
        {
            if (service.Children.TryGetValue(new YamlScalarNode("build"), out var build))
            {
                Assert.True(File.Exists(Path.Combine(RepoRoot, build.ToString(), "Dockerfile")), $"{name}: no Dockerfile in '{build}'");
            }
            else
            {
                var image = service.Children[new YamlScalarNode("image")].ToString();
                Assert.Matches(@"^[\w./-]+:[\w.-]+$", image);
                Assert.DoesNotContain(":latest", image);
            }
        }
        var dockerfile = File.ReadAllText(Path.Combine(RepoRoot, "Dockerfile"));
        Assert.Contains("src/BankLedger.Node/BankLedger.Node.csproj", dockerfile);
        Assert.True(File.Exists(Path.Combine(RepoRoot, "src/BankLedger.Node/BankLedger.Node.csproj")));
    }

    [Fact]
    public void Every_service_has_a_healthcheck_and_waits_for_healthy_dependencies()
    {
        foreach (var (name, service) in Each())
        {
            Assert.True(service.Children.ContainsKey(new YamlScalarNode("healthcheck")), $"{name} has no healthcheck");
            if (!service.Children.TryGetValue(new YamlScalarNode("depends_on"), out var dependsOn)) continue;
            foreach (var (dependency, condition) in ((YamlMappingNode)dependsOn).Children)
            {
                Assert.True(Services.Children.ContainsKey(dependency), $"{name} depends on unknown service {dependency}");
                Assert.Equal("service_healthy", ((YamlMappingNode)condition).Children[new YamlScalarNode("condition")].ToString());
            }
        }
        Assert.Contains("postgres", DependenciesOf("ledger"));
        Assert.Contains("elasticsearch", DependenciesOf("ledger"));
        Assert.Contains("elasticsearch", DependenciesOf("query"));
    }

    [Fact]
    public void Published_ports_do_not_clash()
    {
        var published = Each()
            .Where(s => s.Service.Children.ContainsKey(new YamlScalarNode("ports")))
            .SelectMany(s => ((YamlSequenceNode)s.Service.Children[new YamlScalarNode("ports")]).Children.Select(p => p.ToString()))
            .Select(HostPort)
            .ToArray();
        Assert.NotEmpty(published);
        Assert.Equal(published.Length, published.Distinct().Count());
    }

    private static string HostPort(string mapping)
    {
        // "127.0.0.1:5080:8080" or "5080:8080": the host side is everything before the last colon.
        var parts = mapping.Split(':');
        return string.Join(':', parts[..^1]);
    }

    private static IEnumerable<string> DependenciesOf(string service) =>
        ((YamlMappingNode)Service(service).Children[new YamlScalarNode("depends_on")]).Children.Keys.Select(k => k.ToString());

    /// <summary>True when Ledger__A__B names a settable property path of <see cref="LedgerOptions"/> (case-insensitive, as binding is).</summary>
    private static bool OptionExists(string environmentKey)
    {
        var path = environmentKey.Split("__");
        if (path[0] != LedgerOptions.Section) return false;
        var type = typeof(LedgerOptions);
        foreach (var (segment, index) in path.Skip(1).Select((s, i) => (s, i)))
        {
            var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null) return false;
            var isLast = index == path.Length - 2;
            var isLeaf = property.PropertyType.IsPrimitive || property.PropertyType == typeof(string) || property.PropertyType == typeof(TimeSpan);
            if (isLast) return isLeaf && property.CanWrite;
            type = property.PropertyType;
        }
        return false;
    }

    private static Dictionary<string, string> Environment(string service) =>
        ((YamlMappingNode)Service(service).Children[new YamlScalarNode("environment")]).Children
            .ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services.Children[new YamlScalarNode(name)];

    private static IEnumerable<(string Name, YamlMappingNode Service)> Each() =>
        Services.Children.Select(kv => (kv.Key.ToString(), (YamlMappingNode)kv.Value));

    private static YamlMappingNode LoadServices()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepoRoot, "docker-compose.yml"));
        stream.Load(reader);
        // Merge keys (<<: *anchor) are resolved by the YAML loader only in the serializer, so fold them in here.
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var services = (YamlMappingNode)root.Children[new YamlScalarNode("services")];
        foreach (var (_, node) in services.Children)
        {
            var service = (YamlMappingNode)node;
            if (service.Children.TryGetValue(new YamlScalarNode("<<"), out var merged))
            {
                foreach (var (key, value) in ((YamlMappingNode)merged).Children)
                    if (!service.Children.ContainsKey(key)) service.Children.Add(key, value);
            }
        }
        return services;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BankLedger.Akka.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (BankLedger.Akka.sln) not found above " + AppContext.BaseDirectory);
    }
}
