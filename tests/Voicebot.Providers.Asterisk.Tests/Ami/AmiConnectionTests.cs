using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Voicebot.Providers.Asterisk.Ami;

namespace Voicebot.Providers.Asterisk.Tests.Ami;

/// <summary>One <see cref="AmiConnection"/> over loopback TCP, the test playing Asterisk on the other end of the socket.</summary>
public sealed class AmiConnectionTests : IAsyncDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<IDisposable> _owned = [];

    [Fact]
    public async Task SendAsync_RepliesInTheOtherOrder_EachActionGetsTheReplyWithItsActionId()
    {
        var (connection, asterisk) = await ConnectAsync(TimeProvider.System);
        var readLoop = connection.ReadLoopAsync(_ct);

        var first = connection.SendAsync(new AmiAction("Getvar") { ["Variable"] = "A" }, _ct);
        var firstId = await asterisk.ReadActionIdAsync(_ct);
        var second = connection.SendAsync(new AmiAction("Getvar") { ["Variable"] = "B" }, _ct);
        var secondId = await asterisk.ReadActionIdAsync(_ct);
        await asterisk.WriteAsync($"Response: Success\r\nActionID: {secondId}\r\nValue: b\r\n\r\n", _ct);
        await asterisk.WriteAsync($"Response: Success\r\nActionID: {firstId}\r\nValue: a\r\n\r\n", _ct);

        Assert.Equal("a", (await first).Message["Value"]);
        Assert.Equal("b", (await second).Message["Value"]);
        Assert.NotEqual(firstId, secondId);
        Assert.StartsWith("vb-test-", firstId, StringComparison.Ordinal);
        connection.Close("test over");
        Assert.Equal("test over", await readLoop);
    }

    [Fact]
    public async Task SendAsync_NoReplyWithinTheRequestTimeout_ThrowsUnavailable()
    {
        var time = new FakeTimeProvider();
        var (connection, asterisk) = await ConnectAsync(time);
        _ = connection.ReadLoopAsync(_ct);

        var ping = connection.SendAsync(new AmiAction("Ping"), _ct);
        await asterisk.ReadActionIdAsync(_ct);
        time.Advance(TimeSpan.FromSeconds(2));

        var failure = await Assert.ThrowsAsync<AmiUnavailableException>(() => ping);
        Assert.Contains("No AMI reply to Ping", failure.Message, StringComparison.Ordinal);
        Assert.False(connection.IsClosed);
    }

    [Fact]
    public async Task ReadLoopAsync_AsteriskClosesTheSocket_FailsTheActionsInFlightAndSaysWhy()
    {
        var (connection, asterisk) = await ConnectAsync(TimeProvider.System);
        var readLoop = connection.ReadLoopAsync(_ct);
        var pending = connection.SendAsync(new AmiAction("QueueSummary"), _ct);
        await asterisk.ReadActionIdAsync(_ct);

        asterisk.Socket.Close();

        Assert.Equal("closed by Asterisk", await readLoop);
        var failure = await Assert.ThrowsAsync<AmiUnavailableException>(() => pending);
        Assert.Contains("closed by Asterisk", failure.Message, StringComparison.Ordinal);
        Assert.True(connection.IsClosed);
        await Assert.ThrowsAsync<AmiUnavailableException>(() => connection.SendAsync(new AmiAction("Ping"), _ct));
    }

    [Fact]
    public async Task ReadLoopAsync_EventOutsideAnyList_IsHandedToTheClient()
    {
        var received = new TaskCompletionSource<AmiMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (connection, asterisk) = await ConnectAsync(TimeProvider.System, received.SetResult);
        _ = connection.ReadLoopAsync(_ct);

        await asterisk.WriteAsync("Event: Hangup\r\nChannel: PJSIP/sav-00000007\r\n\r\n", _ct);
        var message = await received.Task.WaitAsync(_ct);

        Assert.Equal("Hangup", message.EventName);
        Assert.Equal("PJSIP/sav-00000007", message["Channel"]);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _listener.Stop();
        return ValueTask.CompletedTask;
    }

    private async Task<(AmiConnection Connection, FakeAsterisk Asterisk)> ConnectAsync(TimeProvider time, Action<AmiMessage>? onEvent = null)
    {
        _listener.Start();
        var client = new TcpClient();
        _owned.Add(client);
        var accept = _listener.AcceptSocketAsync(_ct);
        await client.ConnectAsync((IPEndPoint)_listener.LocalEndpoint, _ct);
        var server = await accept;
        _owned.Add(server);
        var stream = client.GetStream();
        var connection = new AmiConnection(
            stream,
            PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)),
            "vb-test",
            TimeSpan.FromSeconds(2),
            time,
            new FakeLogger(),
            onEvent ?? (_ => { }));
        return (connection, new FakeAsterisk(server));
    }

    /// <summary>The Asterisk end: reads actions one at a time and writes raw replies.</summary>
    private sealed class FakeAsterisk(Socket socket)
    {
        private readonly StringBuilder _received = new();

        public Socket Socket => socket;

        public async Task<string> ReadActionIdAsync(CancellationToken cancellationToken)
        {
            var buffer = new byte[1024];
            int end;
            while ((end = _received.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) < 0)
            {
                var read = await socket.ReceiveAsync(buffer, cancellationToken);
                Assert.NotEqual(0, read);
                _received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var action = _received.ToString(0, end);
            _received.Remove(0, end + 4);
            var line = action.Split("\r\n").Single(l => l.StartsWith("ActionID: ", StringComparison.Ordinal));
            return line["ActionID: ".Length..];
        }

        public async Task WriteAsync(string message, CancellationToken cancellationToken) =>
            await socket.SendAsync(Encoding.ASCII.GetBytes(message), cancellationToken);
    }
}
