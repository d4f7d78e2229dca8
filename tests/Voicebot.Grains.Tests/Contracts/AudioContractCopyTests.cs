using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Voicebot.Abstractions.Audio;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Phrases;
using Voicebot.Grains.Calls;

namespace Voicebot.Grains.Tests.Contracts;

/// <summary>
/// Audio crosses grain boundaries inside the silo without a copy: Orleans deep-copies every argument and result of a
/// local call unless its type is immutable, so each contract that carries PCM must be passed by reference.
/// </summary>
public sealed class AudioContractCopyTests : IDisposable
{
    private static readonly ResamplerState State = new(24000, 8000, [1, 2, 3], 4, 480, 160);

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public static TheoryData<string> AudioContracts =>
    [
        nameof(PlaybackItem),
        nameof(InboundMedia),
        nameof(PhraseAudio),
        nameof(ResampleRequest),
        nameof(ResampledChunk),
        nameof(ResamplerState),
    ];

    public void Dispose() => _services.Dispose();

    [Theory]
    [MemberData(nameof(AudioContracts))]
    public void DeepCopier_AudioContract_ReturnsTheSameInstance(string contract)
    {
        switch (contract)
        {
            case nameof(PlaybackItem):
                AssertNotCopied(new PlaybackItem(1, "greeting", new byte[320], 8000, MoreFollows: true));
                break;
            case nameof(InboundMedia):
                AssertNotCopied(InboundMedia.ForAudio(7, new byte[320], 8000));
                break;
            case nameof(PhraseAudio):
                AssertNotCopied(new PhraseAudio("greeting", "Bonjour", new byte[320], 8000));
                break;
            case nameof(ResampleRequest):
                AssertNotCopied(new ResampleRequest(new byte[960], 24000, 8000, State, Final: false));
                break;
            case nameof(ResampledChunk):
                AssertNotCopied(new ResampledChunk(new byte[320], State));
                break;
            case nameof(ResamplerState):
                AssertNotCopied(State);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(contract), contract, null);
        }
    }

    [Fact]
    public void DeepCopier_BareByteArray_IsCopied()
    {
        // The control case: without an immutable envelope, Orleans copies the samples on every local call.
        var pcm = new byte[320];

        var copy = _services.GetRequiredService<DeepCopier<byte[]>>().Copy(pcm);

        Assert.NotSame(pcm, copy);
    }

    [Fact]
    public void SerializableContracts_CarryingSamples_AreAllMarkedImmutable()
    {
        Assembly[] assemblies = [typeof(PlaybackItem).Assembly, typeof(CallGrain).Assembly];

        var mutable = assemblies
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type.IsDefined(typeof(GenerateSerializerAttribute), inherit: false))
            .Where(type => type.GetProperties().Any(property => CarriesSamples(property.PropertyType)))
            .Where(type => !type.IsDefined(typeof(ImmutableAttribute), inherit: false))
            .Select(type => type.FullName);

        Assert.Empty(mutable);
    }

    private static bool CarriesSamples(Type type) =>
        type == typeof(byte[]) || type == typeof(short[]) || type == typeof(ReadOnlyMemory<byte>) || type == typeof(Memory<byte>);

    private void AssertNotCopied<T>(T value)
        where T : class
    {
        var copy = _services.GetRequiredService<DeepCopier<T>>().Copy(value);

        Assert.Same(value, copy);
    }
}
