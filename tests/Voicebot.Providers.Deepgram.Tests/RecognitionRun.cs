using System.Threading.Channels;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Providers.Deepgram.Tests;

/// <summary>One recognition session driven by a test: audio written to a channel, updates read in order.</summary>
internal sealed class RecognitionRun
{
    private readonly Channel<RecognitionInput> _input = Channel.CreateUnbounded<RecognitionInput>();
    private readonly Channel<RecognitionUpdate> _updates = Channel.CreateUnbounded<RecognitionUpdate>();
    private readonly List<RecognitionUpdate> _seen = [];

    private RecognitionRun(ISpeechRecognizer recognizer, RecognitionOptions options, CancellationToken cancellationToken)
    {
        Completion = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var update in recognizer.RecognizeAsync(_input.Reader.ReadAllAsync(CancellationToken.None), options, cancellationToken))
                    {
                        _updates.Writer.TryWrite(update);
                    }

                    _updates.Writer.TryComplete();
                }
                catch (Exception exception)
                {
                    _updates.Writer.TryComplete(exception);
                    throw;
                }
            },
            CancellationToken.None);
    }

    /// <summary>Ends when the enumeration ends; faults with its exception.</summary>
    public Task Completion { get; }

    /// <summary>Every update read so far by NextAsync or <see cref="DrainAsync"/>.</summary>
    public IReadOnlyList<RecognitionUpdate> Seen => _seen;

    public static RecognitionRun Start(ISpeechRecognizer recognizer, CancellationToken cancellationToken, string language = "fr") =>
        new(recognizer, new RecognitionOptions(Guid.NewGuid(), TestAudio.SampleRate, language), cancellationToken);

    public void Speak(int milliseconds) => Write(TestAudio.Tone(milliseconds));

    public void Silence(int milliseconds) => Write(TestAudio.Silence(milliseconds));

    public void FinalizeUtterance() => _input.Writer.TryWrite(RecognitionInput.Finalize);

    public void Complete() => _input.Writer.TryComplete();

    /// <summary>Reads updates until one matches; earlier ones stay in <see cref="Seen"/>.</summary>
    public async Task<RecognitionUpdate> NextAsync(Func<RecognitionUpdate, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            var update = await _updates.Reader.ReadAsync(cancellationToken);
            _seen.Add(update);
            if (match(update))
            {
                return update;
            }
        }
    }

    public Task<RecognitionUpdate> NextAsync(RecognitionUpdateKind kind, CancellationToken cancellationToken) =>
        NextAsync(update => update.Kind == kind, cancellationToken);

    /// <summary>Reads every remaining update until the enumeration ends (rethrows its exception).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        await foreach (var update in _updates.Reader.ReadAllAsync(cancellationToken))
        {
            _seen.Add(update);
        }

        await Completion;
    }

    private void Write(IEnumerable<ReadOnlyMemory<byte>> frames)
    {
        foreach (var frame in frames)
        {
            _input.Writer.TryWrite(RecognitionInput.Audio(frame));
        }
    }
}
