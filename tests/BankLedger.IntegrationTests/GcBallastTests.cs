using BankLedger.Node.Hosting;

namespace BankLedger.IntegrationTests;

public sealed class GcBallastTests
{
    [Fact]
    public async Task Starting_it_puts_the_requested_bytes_into_generation_2()
    {
        var ballast = new GcBallast(requestedBytes: 40 * GcBallast.ChunkBytes);
        await ballast.StartAsync(CancellationToken.None);

        Assert.Equal(40L * GcBallast.ChunkBytes, ballast.Bytes);
        Assert.Equal(40, ballast.Chunks.Count);
        Assert.All(ballast.Chunks, chunk => Assert.Equal(GC.MaxGeneration, GC.GetGeneration(chunk)));
        Assert.All(ballast.Chunks, chunk => Assert.True(chunk.Length < 85_000, "a large-object chunk would not count toward gen 2's budget"));
        GC.KeepAlive(ballast);
    }

    [Fact]
    public void The_ballast_never_exceeds_an_eighth_of_the_memory_available()
    {
        Assert.Equal(512L << 20, GcBallast.Capped(512L << 20, availableBytes: 24L << 30));
        Assert.Equal(64L << 20, GcBallast.Capped(512L << 20, availableBytes: 512L << 20));
        Assert.Equal(0, GcBallast.Capped(0, availableBytes: 24L << 30));
    }

    [Fact]
    public async Task A_request_smaller_than_one_chunk_holds_nothing()
    {
        var ballast = new GcBallast(requestedBytes: GcBallast.ChunkBytes - 1);
        await ballast.StartAsync(CancellationToken.None);
        Assert.Equal(0, ballast.Bytes);
    }
}
