using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;
using Voicebot.Gateway.BargeIn;
using Voicebot.Gateway.Calls;
using Voicebot.Gateway.Drain;
using Voicebot.Gateway.Pacing;
using Voicebot.Gateway.Watching;
using Voicebot.Protocol;
using Voicebot.Recordings.Recording;

namespace Voicebot.Gateway;

/// <summary>
/// Serves one Asterisk AudioSocket connection: UUID, admission, inbound audio and DTMF to the control plane, local
/// barge-in detection on the inbound audio (<see cref="CallSession.OnInboundAudio"/>), and the end of the call. Outbound frames are written by <see cref="OutboundPacer"/>. Anything wrong on one connection hangs
/// up that connection only (00 00 00, then close); the listener and the other calls keep running.
/// </summary>
internal sealed class AudioSocketConnectionHandler(
    CallRegistry calls,
    OutboundPacer pacer,
    ICallControl control,
    TimeProvider time,
    IOptions<AudioSocketOptions> options,
    IOptions<BargeInOptions> bargeInOptions,
    GatewayMetrics metrics,
    ILogger<AudioSocketConnectionHandler> logger,
    GatewayDrain drain,
    ConnectionViolationLog violations,
    CallRecordingWriter? recordings = null) : ConnectionHandler
{
    private const int BusyPlaybackId = -1;

    // Bounds on what the caller waits for when the gateway, not the caller, is slow.
    private static readonly TimeSpan HangupWriteTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan BusyPhraseTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan BusyFallbackSilence = TimeSpan.FromMilliseconds(300);

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var settings = options.Value;
        var batcher = new InboundAudioBatcher(settings.InboundFramesPerEvent);
        var voiceGate = new InboundVoiceGate();
        var readyEvents = new List<InboundMedia>();
        var input = connection.Transport.Input;
        var connectedAt = time.GetUtcNow();
        var validator = new AudioSocketInboundValidator();
        var deadline = new ReadDeadline(time);
        var phase = Phase.AwaitingUuid;
        var callId = Guid.Empty;
        CallAdmission? admission = null;
        CallSession? session = null;
        HangupReason? endReason = HangupReason.CallerHungUp;
        IDisposable? scope = null;
        deadline.Arm(settings.UuidTimeout);

        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    if (phase == Phase.Active)
                    {
                        deadline.Arm(settings.IdleTimeout);
                    }

                    result = await input.ReadAsync(deadline.Token);
                    if (phase == Phase.Active)
                    {
                        deadline.Disarm();
                    }
                }
                catch (OperationCanceledException) when (deadline.Expired)
                {
                    if (phase == Phase.AwaitingFirstAudio)
                    {
                        // No audio yet to tell the rate: start at 8 kHz, what AudioSocket() always uses.
                        deadline.Disarm();
                        session = await StartSessionAsync(connection, callId, 8000, admission!.Value, connectedAt);
                        phase = Phase.Active;
                        continue;
                    }

                    throw new AudioSocketProtocolException(
                        AudioSocketViolation.IdleTimeout,
                        phase == Phase.AwaitingUuid
                            ? $"No UUID within {settings.UuidTimeout.TotalMilliseconds} ms of connecting."
                            : $"Nothing received for {settings.IdleTimeout.TotalMilliseconds} ms.");
                }

                if (result.IsCanceled)
                {
                    // The session ended from the write side (bot hang-up sent, socket gone): CancelPendingRead woke us.
                    if (session is { Ended.IsCompleted: true })
                    {
                        endReason = ToHangupReason(await session.Ended);
                        return;
                    }

                    continue;
                }

                var buffer = result.Buffer;
                try
                {
                    while (AudioSocketFrameReader.TryRead(ref buffer, settings.MaxPayloadBytes, out var frame))
                    {
                        validator.Validate(frame);
                        switch (frame.Kind)
                        {
                            case AudioSocketKind.Uuid:
                                callId = validator.CallId.GetValueOrDefault();
                                admission = calls.TryAdmit(callId, connectedAt);
                                metrics.AdmissionRefused(admission.Value);
                                if (admission == CallAdmission.Duplicate)
                                {
                                    // Logged under the connection: the id belongs to a call still running elsewhere,
                                    // whose logs must not say it ended. Refused like a full server: the busy phrase.
                                    GatewayLog.DuplicateCall(logger, connection.ConnectionId, connection.RemoteEndPoint, callId);
                                    phase = Phase.AwaitingFirstAudio;
                                    deadline.Arm(settings.FirstAudioTimeout);
                                    break;
                                }

                                scope = GatewayLog.CallScope(logger, callId);
                                GatewayLog.CallConnected(logger, callId, connection.RemoteEndPoint, connection.ConnectionId);
                                if (admission == CallAdmission.Draining)
                                {
                                    // Accepted just before the listener closed: an immediate hang-up lets the dialplan route it elsewhere.
                                    DrainLog.CallRefused(logger, callId);
                                    endReason = HangupReason.Shutdown;
                                    await HangUpAsync(connection, session: null, callId);
                                    return;
                                }

                                if (admission == CallAdmission.Busy)
                                {
                                    GatewayLog.CallRefused(logger, callId, connection.RemoteEndPoint, calls.ActiveCalls, calls.MaxCalls);
                                }

                                phase = Phase.AwaitingFirstAudio;
                                deadline.Arm(settings.FirstAudioTimeout);
                                break;

                            case AudioSocketKind.Dtmf:
                                if (session is null)
                                {
                                    deadline.Disarm();
                                    session = await StartSessionAsync(connection, callId, 8000, admission!.Value, connectedAt);
                                    phase = Phase.Active;
                                }

                                if (admission == CallAdmission.Admitted)
                                {
                                    if (batcher.Flush() is { } earlier)
                                    {
                                        await control.PublishAsync(callId, earlier, session.Lifetime);   // audio before the key stays before it
                                    }

                                    var digit = InboundMedia.ForDtmf(session.NextInboundSequence(), (char)frame.Payload.FirstSpan[0]);
                                    await control.PublishAsync(callId, digit, session.Lifetime);
                                }

                                break;

                            case AudioSocketKind.Hangup:
                                // Asterisk never sends it (it just closes the socket); a peer that does is hanging up.
                                endReason = HangupReason.CallerHungUp;
                                return;

                            default:
                                var sampleRate = frame.Kind.SampleRate();
                                if (session is null)
                                {
                                    deadline.Disarm();
                                    session = await StartSessionAsync(connection, callId, sampleRate, admission!.Value, connectedAt);
                                    phase = Phase.Active;
                                }

                                if (admission == CallAdmission.Admitted)
                                {
                                    // The stream boundary needs an array the consumer owns, and the payload aliases the pipe:
                                    // the event's array (with its InboundMedia envelope) is the one allocation per event.
                                    var sequence = session.NextInboundSequence();
                                    voiceGate.Demand = session.InboundAudio;
                                    if (!voiceGate.Admit(frame.Payload, sampleRate))
                                    {
                                        // Far from any voice: the grain does not need it. An event never spans a gap.
                                        if (batcher.Flush() is { } before)
                                        {
                                            await control.PublishAsync(callId, before, session.Lifetime);
                                        }

                                        var held = voiceGate.Hold(sequence, frame.Payload, sampleRate);
                                        session.OnInboundAudio(sequence, held);
                                        session.Recorder?.WriteCaller(held);
                                        break;
                                    }

                                    // The moments before the voice go first, with the count of frames kept back.
                                    voiceGate.Release(batcher, readyEvents);
                                    if (batcher.MustFlushBefore((int)frame.Payload.Length, sampleRate) && batcher.Flush() is { } partial)
                                    {
                                        readyEvents.Add(partial);
                                    }

                                    foreach (var earlier in readyEvents)
                                    {
                                        await control.PublishAsync(callId, earlier, session.Lifetime);
                                    }

                                    readyEvents.Clear();

                                    // Barge-in first: a flush must not wait behind the publish's backpressure.
                                    var pcm = batcher.Append(sequence, frame.Payload, sampleRate);
                                    session.OnInboundAudio(sequence, pcm);
                                    session.Recorder?.WriteCaller(pcm);
                                    if (batcher.IsFull)
                                    {
                                        await control.PublishAsync(callId, batcher.Flush()!, session.Lifetime);
                                    }
                                }

                                break;
                        }
                    }

                    if (result.IsCompleted)
                    {
                        // EOF: Asterisk closed the socket, which is how a caller hang-up looks.
                        endReason = HangupReason.CallerHungUp;
                        return;
                    }
                }
                finally
                {
                    // Consumed what was parsed; examined everything, so a partial frame waits for more bytes.
                    input.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
        catch (AudioSocketProtocolException ex)
        {
            if (callId == Guid.Empty || admission == CallAdmission.Duplicate)
            {
                // No call yet (a port scan, a stray client): the connection is what an operator can search for.
                // Rate-limited: two hundred idle connections must not write four hundred lines.
                violations.Report(connection.ConnectionId, connection.RemoteEndPoint, ex.Violation, ex.Message);
            }
            else
            {
                GatewayLog.ProtocolViolation(logger, callId, connection.ConnectionId, ex.Violation, ex.Message);
            }

            endReason = ex.Violation == AudioSocketViolation.IdleTimeout ? HangupReason.PeerTimeout : HangupReason.ProtocolError;
            await HangUpAsync(connection, session, callId);
        }
        catch (OperationCanceledException) when (session is not null && session.Lifetime.IsCancellationRequested)
        {
            // A publish was cut short because the call ended (socket gone, or the bot hung up).
            endReason = session.Ended.IsCompleted ? ToHangupReason(await session.Ended) : HangupReason.CallerHungUp;
        }
        catch (IOException)
        {
            // Connection reset: the caller is gone.
            endReason = HangupReason.CallerHungUp;
        }
        catch (Exception ex)
        {
            GatewayLog.ConnectionFailed(logger, callId, connection.ConnectionId, ex);
            endReason = HangupReason.GatewayError;
            await HangUpAsync(connection, session, callId);
        }
        finally
        {
            deadline.Dispose();
            if (admission == CallAdmission.Admitted && session is null)
            {
                // The caller left (or broke the protocol) between the UUID and the first audio: the call existed, so it
                // is started and ended like any other and gets its record and outcome.
                session = await TryStartSessionForRecordAsync(connection, callId, connectedAt);
            }

            if (session is not null)
            {
                pacer.Remove(session);
                await CloseAsync(connection, session);
                session.Recorder?.Complete();   // no more frames: the writer finishes the file
            }

            if (endReason == HangupReason.CallerHungUp && session is { BotHangupWritten: true })
            {
                // What happened first decides: the bot hung up, and the end-of-file (or reset) that won the race against
                // the session's own end signal (queued to the thread pool) was Asterisk closing the socket after it.
                endReason = null;
            }

            if (session is { EndedForShutdown: true })
            {
                // However the socket went (our hang-up, or Asterisk closing it first), the drain ended this call.
                endReason = HangupReason.Shutdown;
            }

            if (admission == CallAdmission.Admitted)
            {
                if (session is not null)
                {
                    // Not awaited: the socket closes now, whatever the control plane's latency. Tracked before the slot
                    // is freed, so the drain waits for it.
                    drain.TrackEndReport(ReportEndAsync(callId, endReason, session.MediaFacts(session.RecordingPath)));
                }

                calls.Release(callId);
            }

            if (session is not null)
            {
                drain.Untrack(session, endReason);
            }

            if (admission == CallAdmission.Duplicate)
            {
                GatewayLog.DuplicateClosed(logger, connection.ConnectionId, callId);
            }
            else if (callId != Guid.Empty)
            {
                GatewayLog.CallEnded(logger, callId, endReason?.ToString() ?? "BotHungUp");
            }

            session?.Dispose();
            scope?.Dispose();
        }
    }

    private static HangupReason? ToHangupReason(CallSessionEnd end) => end switch
    {
        CallSessionEnd.HangupSent => null,
        CallSessionEnd.TransportClosed => HangupReason.CallerHungUp,
        _ => HangupReason.GatewayError,
    };

    private async Task<CallSession> StartSessionAsync(
        ConnectionContext connection, Guid callId, int sampleRate, CallAdmission admission, DateTimeOffset connectedAt, bool paced = true)
    {
        var admitted = admission == CallAdmission.Admitted;
        var session = new CallSession(
            callId,
            sampleRate,
            connection.Transport.Output,
            connection.Transport.Input,
            admitted ? control : null,
            logger,
            connection.ConnectionClosed,
            bargeInOptions.Value,
            time)
        {
            Recorder = admitted ? recordings?.Start(callId, sampleRate) : null,
        };

        // From here on only the pacer writes this socket.
        if (paced)
        {
            // The socket itself (Kestrel's socket transport) lets the native wire sender write the frames; an in-memory
            // transport has none, and the pacer writes its pipe.
            pacer.Add(session, connection.Features.Get<IConnectionSocketFeature>()?.Socket);
        }

        if (admitted)
        {
            drain.Track(session);
            GatewayLog.CallStarted(logger, callId, sampleRate);
            var start = new CallStart(sampleRate, connectedAt, connection.RemoteEndPoint?.ToString(), RecordingPath: session.RecordingPath);
            await control.StartCallAsync(callId, start, session, session.Lifetime);
        }
        else
        {
            await PlayBusyPhraseAsync(session);
        }

        return session;
    }

    private async Task<CallSession?> TryStartSessionForRecordAsync(ConnectionContext connection, Guid callId, DateTimeOffset connectedAt)
    {
        try
        {
            // Not paced: the connection is over (a hang-up may already be written), nothing more goes on the wire.
            return await StartSessionAsync(connection, callId, 8000, CallAdmission.Admitted, connectedAt, paced: false);
        }
        catch (Exception ex)
        {
            GatewayLog.ControlPlaneFailed(logger, callId, "start", ex);
            return null;
        }
    }

    private async Task PlayBusyPhraseAsync(CallSession session)
    {
        try
        {
            var phrase = await control.GetPhraseAsync(options.Value.BusyPhraseKey, session.SampleRate, session.Lifetime)
                .WaitAsync(BusyPhraseTimeout, time, session.Lifetime);
            await session.PlayAsync(new PlaybackItem(BusyPlaybackId, phrase.Key, phrase.Pcm, phrase.SampleRate));
        }
        catch (Exception ex) when (!session.Lifetime.IsCancellationRequested)
        {
            GatewayLog.BusyPhraseUnavailable(logger, session.CallId, options.Value.BusyPhraseKey, ex);
            var frames = (int)(BusyFallbackSilence / AudioSocketKinds.FrameDuration);
            await session.PlayAsync(new PlaybackItem(BusyPlaybackId, "silence", new byte[frames * session.FrameBytes], session.SampleRate));
        }

        await session.HangUpAsync();
    }

    /// <summary>Sends 00 00 00 on this connection: directly before the session exists, else through the pacer.</summary>
    private async Task HangUpAsync(ConnectionContext connection, CallSession? session, Guid callId)
    {
        if (session is null)
        {
            // Nothing else writes this socket before its session exists.
            using var timeout = new CancellationTokenSource(HangupWriteTimeout, time);
            try
            {
                await connection.Transport.Output.WriteAsync(AudioSocketFrameWriter.Hangup, timeout.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
            {
                GatewayLog.HangupNotWritten(logger, callId, HangupWriteTimeout);
                connection.Abort();
            }

            return;
        }

        session.Abort();
        try
        {
            await session.Ended.WaitAsync(HangupWriteTimeout, time);
        }
        catch (TimeoutException)
        {
            GatewayLog.HangupNotWritten(logger, callId, HangupWriteTimeout);
            connection.Abort();
        }
    }

    /// <summary>Stops the session's writes and waits out a pending flush, so Kestrel can complete the pipe safely.</summary>
    private async Task CloseAsync(ConnectionContext connection, CallSession session)
    {
        try
        {
            await session.CloseAsync().WaitAsync(HangupWriteTimeout, time);
        }
        catch (TimeoutException)
        {
            // The peer stopped reading: there is nothing left to deliver.
            connection.Abort();
        }
    }

    private async Task ReportEndAsync(Guid callId, HangupReason? reason, CallMediaFacts media)
    {
        try
        {
            await control.EndCallAsync(callId, reason, media);
        }
        catch (Exception ex)
        {
            GatewayLog.ControlPlaneFailed(logger, callId, "end", ex);
        }
    }

    private enum Phase
    {
        AwaitingUuid,
        AwaitingFirstAudio,
        Active,
    }
}
