using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Voicebot.Cli.Tests.Support;

/// <summary>
/// Stands in for the bot's HTTP API: answers each request with the next queued (status, body), the last one repeating,
/// and remembers the paths asked.
/// </summary>
internal sealed class FakeOutcomeHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly (int Status, string Body)[] _answers;
    private readonly Task _serving;
    private int _served;

    private FakeOutcomeHttpServer(params (int Status, string Body)[] answers)
    {
        _answers = answers;
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Address = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _serving = ServeAsync();
    }

    public Uri Address { get; }

    public ConcurrentQueue<string> Requests { get; } = new();

    public static FakeOutcomeHttpServer Start(params (int Status, string Body)[] answers) => new(answers);

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _serving;
        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            Requests.Enqueue(context.Request.Url!.PathAndQuery);
            var (status, body) = _answers[Math.Min(_served++, _answers.Length - 1)];
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
