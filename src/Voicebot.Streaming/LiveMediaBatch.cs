using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace Voicebot.Streaming;

/// <summary>
/// The events of one publish, held by reference on their way from the gateway to the pulling agent: nothing is
/// serialized unless Orleans delivers the batch to a grain on another silo.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed class LiveMediaBatch : IBatchContainer
{
    [Id(0)]
    private readonly StreamId _streamId;

    [Id(1)]
    private readonly object[] _events;

    [Id(2)]
    private readonly EventSequenceTokenV2 _token;

    [Id(3)]
    private readonly Dictionary<string, object>? _requestContext;

    public LiveMediaBatch(StreamId streamId, object[] events, EventSequenceTokenV2 token, Dictionary<string, object>? requestContext)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(token);
        _streamId = streamId;
        _events = events;
        _token = token;
        _requestContext = requestContext;
    }

    public StreamId StreamId => _streamId;

    public StreamSequenceToken SequenceToken => _token;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        for (var i = 0; i < _events.Length; i++)
        {
            if (_events[i] is T item)
            {
                yield return Tuple.Create(item, i == 0 ? (StreamSequenceToken)_token : _token.CreateSequenceTokenForEvent(i));
            }
        }
    }

    public bool ImportRequestContext()
    {
        if (_requestContext is null)
        {
            return false;
        }

        RequestContextExtensions.Import(_requestContext);
        return true;
    }

    public override string ToString() => $"{nameof(LiveMediaBatch)}({_streamId}, {_events.Length} events, {_token})";
}
