using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Phrases;
using Voicebot.Abstractions.Records;
using Voicebot.Gateway.BargeIn;
using Voicebot.Gateway.Calls;
using Voicebot.Protocol;

namespace Voicebot.Gateway.Pacing;

/// <summary>
/// Runs the outbound path once, at every call rate, before the gateway takes its first call: a played phrase, a streamed
/// one, a flush, the caller's frames through the barge-in detector, the hang-up — over an in-memory pipe, with no call,
/// no grain and no log line. Code is compiled once per process, so the first caller's ticks run compiled code instead of
/// compiling it on the pacer's thread while the welcome phrase plays.
/// </summary>
internal sealed class PacerWarmup(IOptions<AudioSocketOptions> options, IOptions<BargeInOptions> bargeIn, ILogger<PacerWarmup> logger) : IHostedService
{
    private static readonly int[] SampleRates = [8000, 16000];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.WarmUpPacer)
        {
            return Task.CompletedTask;
        }

        foreach (var sampleRate in SampleRates)
        {
            Run(sampleRate, bargeIn.Value, logger);
        }

        if (options.Value.WireSender)
        {
            RunOnWire(bargeIn.Value, logger);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The same call's life with the native wire sender, over a loopback TCP pair of the warm-up's own, so the queueing
    /// path is compiled too. Returns false when the sender is not available (nothing to warm).
    /// </summary>
    internal static bool RunOnWire(BargeInOptions bargeIn, ILogger logger)
    {
        using var wire = WireSender.TryStart(realtimePriority: 0, out _);
        if (wire is null)
        {
            return false;
        }

        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        using var server = listener.Accept();
        foreach (var sampleRate in SampleRates)
        {
            Run(sampleRate, bargeIn, logger, session =>
            {
                var silence = new byte[AudioSocketFrameReader.HeaderSize + session.FrameBytes];
                AudioSocketFrameWriter.WriteHeader(silence, session.OutboundKind, session.FrameBytes);
                var slot = wire.TryAdd(server, OutboundPacer.WireCapacity, silence.Length, silence, out _);
                if (slot is not null)
                {
                    session.AttachWire(slot, lead: 6);
                }
            });
        }

        return true;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>One short call's outbound life at <paramref name="sampleRate"/>; returns the bytes the pacer wrote.</summary>
    internal static long Run(int sampleRate, BargeInOptions bargeIn, ILogger logger, Action<CallSession>? attach = null)
    {
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        using var session = new CallSession(Guid.Empty, sampleRate, pipe.Writer, input: null, new SilentControl(), logger, bargeIn: bargeIn);
        attach?.Invoke(session);
        var frame = session.FrameBytes;
        var tone = new byte[(frame * 3) + (frame / 2)];   // three frames and a half: the last one is padded
        for (var i = 0; i < tone.Length; i += 2)
        {
            tone[i + 1] = (byte)((i / 2 % 16) < 8 ? 0x20 : 0xE0);
        }

        var quiet = new byte[frame];
        var written = 0L;
        _ = session.PlayAsync(new PlaybackItem(1, "warm-up", tone, sampleRate));
        _ = session.PlayAsync(new PlaybackItem(2, "warm-up", tone, sampleRate, MoreFollows: true));
        for (var tick = 0; tick < 12; tick++)
        {
            if (tick == 6)
            {
                _ = session.PlayAsync(new PlaybackItem(2, "warm-up", tone, sampleRate));
            }

            if (tick == 9)
            {
                _ = session.FlushAsync();
                _ = session.HangUpAsync();
            }

            session.WriteNextFrame();
            session.OnInboundAudio(session.Inbound.NextSequence(), quiet);
            written += Drain(pipe.Reader);
        }

        _ = session.CloseAsync();   // lets go of the wire sender's slot, if any
        pipe.Writer.Complete();
        pipe.Reader.Complete();
        return written;
    }

    private static long Drain(PipeReader reader)
    {
        if (!reader.TryRead(out var result))
        {
            return 0;
        }

        var length = result.Buffer.Length;
        reader.AdvanceTo(result.Buffer.End);
        return length;
    }

    /// <summary>The warm-up's control plane: nothing is listening, nothing is published.</summary>
    private sealed class SilentControl : ICallControl
    {
        public Task StartCallAsync(Guid callId, CallStart start, ICallMediaSink media, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask PublishAsync(Guid callId, InboundMedia media, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public Task PlaybackFinishedAsync(Guid callId, int playbackId, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task BargeInAsync(Guid callId, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task EndCallAsync(Guid callId, HangupReason? reason, CallMediaFacts media, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<PhraseAudio> GetPhraseAsync(string phraseKey, int sampleRate, CancellationToken cancellationToken = default) =>
            throw new KeyNotFoundException(phraseKey);
    }
}
