namespace Voicebot.Testing.Gateway;

/// <summary>A call placed by <see cref="GatewayTestHost.StartLiveCallAsync"/>: its id and the fake Asterisk's side.</summary>
public sealed record LiveCall(Guid CallId, FakeAsteriskClient Client) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
