using Microsoft.Extensions.DependencyInjection;
using Voicebot.Abstractions;
using Voicebot.Abstractions.Calls;

namespace Voicebot.EndToEnd.Tests;

public sealed class MediaStreamTests(VoicebotHostFixture fixture)
{
    // The gateway's per-frame publish relies on this: a publish that completed needs no wait and no allocation of one.
    [Fact]
    public async Task A_media_publish_into_the_product_s_stream_completes_before_it_returns()
    {
        var client = fixture.App.Services.GetRequiredService<IClusterClient>();
        var stream = client.GetStreamProvider(StreamNames.Provider)
            .GetStream<InboundMedia>(StreamId.Create(StreamNames.CallMedia, Guid.NewGuid()));

        var publish = stream.OnNextAsync(InboundMedia.ForAudio(1, new byte[320], 8000));

        Assert.True(publish.IsCompletedSuccessfully);
        await publish;
    }
}
