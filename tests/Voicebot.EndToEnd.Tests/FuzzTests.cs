using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Voicebot.EndToEnd.Tests;

/// <summary>
/// A bounded fuzz and soak run against the live product: mutated AudioSocket streams on many connections while one
/// good call goes from greeting to outcome. Seeded, so a failure can be replayed (the seed is in the test's output).
/// Runs alone: the mutated streams that still make valid calls take lines, and other tests' callers would hear
/// "all lines busy".
/// </summary>
[Collection(AdmissionCollection.Name)]
public sealed class FuzzTests(VoicebotHostFixture fixture)
{
    private const int Connections = 48;
    private const int AtOnce = 8;

    /// <summary>
    /// The longest a connection may stay open once its client has gone quiet: no UUID (5 s) or nothing received (5 s),
    /// then the busy phrase or the goodbye and the hang-up; generous, since the machine may be loaded.
    /// </summary>
    private static readonly TimeSpan CloseBound = TimeSpan.FromSeconds(30);

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task MutatedStreams_OnManyConnections_EachIsClosedInTime_TheProcessStaysUp_AndAGoodCallCompletes()
    {
        var seed = Environment.TickCount;
        TestContext.Current.TestOutputHelper?.WriteLine($"fuzz seed {seed}");
        var random = new Random(seed);
        var streams = Enumerable.Range(0, Connections).Select(_ => Mutate(ValidStream(random), random)).ToArray();

        var good = ScenarioCall.RunAsync(fixture, "internet-fixed", _ct);
        var closedAfter = new List<TimeSpan>();
        foreach (var batch in streams.Chunk(AtOnce))
        {
            closedAfter.AddRange(await Task.WhenAll(batch.Select(SendThenWaitForCloseAsync)));
        }

        var run = await good;

        Assert.Equal("resolved", run.OutcomeWord);
        ScenarioCall.AssertHeardExactlyWhatTheBotQueued(run);
        Assert.All(closedAfter, after => Assert.True(after < CloseBound, $"a connection stayed open {after.TotalSeconds:0.0} s after its client went quiet"));
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/health/live", _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/health/ready", _ct)).StatusCode);
    }

    /// <summary>Sends the bytes, then stays connected and quiet, reading until the product closes the connection.</summary>
    private async Task<TimeSpan> SendThenWaitForCloseAsync(byte[] stream)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, fixture.AudioSocketPort, _ct);
        var network = client.GetStream();
        try
        {
            await network.WriteAsync(stream, _ct);
        }
        catch (IOException)
        {
            // The product hung up while the bytes were still going: that is a close too.
        }

        var quiet = Stopwatch.StartNew();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        limit.CancelAfter(CloseBound);
        var buffer = new byte[4096];
        try
        {
            while (await network.ReadAsync(buffer, limit.Token) > 0)
            {
                // the bot's audio, the busy phrase, the hang-up
            }
        }
        catch (IOException)
        {
            // reset by the product: closed
        }
        catch (OperationCanceledException) when (!_ct.IsCancellationRequested)
        {
            return CloseBound;   // still open
        }

        return quiet.Elapsed;
    }

    /// <summary>A well-formed call's opening: UUID, a second of audio, a key, more audio.</summary>
    private static byte[] ValidStream(Random random)
    {
        var bytes = new List<byte> { 0x01, 0x00, 0x10 };
        bytes.AddRange(Guid.NewGuid().ToByteArray(bigEndian: true));
        for (var frame = 0; frame < 60; frame++)
        {
            if (frame == 30)
            {
                bytes.AddRange(new byte[] { 0x03, 0x00, 0x01, (byte)"0123456789#*"[random.Next(12)] });
            }

            bytes.AddRange(new byte[] { 0x10, 0x01, 0x40 });
            var pcm = new byte[320];
            random.NextBytes(pcm);
            bytes.AddRange(pcm);
        }

        return [.. bytes];
    }

    /// <summary>One to four mutations: flipped bytes, a cut, random bytes inserted, a frame repeated, a length changed.</summary>
    private static byte[] Mutate(byte[] stream, Random random)
    {
        var bytes = new List<byte>(stream);
        for (var count = random.Next(1, 5); count > 0 && bytes.Count > 0; count--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    var noise = new byte[random.Next(1, 64)];
                    random.NextBytes(noise);
                    bytes.InsertRange(at, noise);
                    break;
                case 3:
                    var length = Math.Min(323, bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                default:
                    if (at + 2 < bytes.Count)
                    {
                        bytes[at + 1] = (byte)random.Next(256);
                        bytes[at + 2] = (byte)random.Next(256);
                    }

                    break;
            }
        }

        return [.. bytes];
    }
}
