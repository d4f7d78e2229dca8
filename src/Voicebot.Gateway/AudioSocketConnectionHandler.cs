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
/// Serves one Asterisk AudioSocket connection: the frames are read and checked (<see cref="PumpAsync"/>), the UUID is
/// admitted (<see cref="AdmitAsync"/>), the first audio or key starts the session (<see cref="EnsureSessionAsync"/>),
/// the caller's media goes to the grain (<see cref="InboundMediaPublisher"/>, with barge-in and the recording in the
/// session), and however it ends, the call is closed and reported once (<see cref="EndAsync"/>). Outbound frames are
/// written by <see cref="OutboundPacer"/>. Anything wrong on one connection hangs up that connection only (00 00 00,
/// then close); the listener and the other calls keep running.
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
        var call = new AudioSocketConnectionState(connection, time.GetUtcNow(), new ReadDeadline(time, connection.Transport.Input.CancelPendingRead));
        call.Deadline.Arm(options.Value.UuidTimeout);
        try
        {
            await PumpAsync(call);
        }
        catch (AudioSocketProtocolException ex)
        {
            if (call.CallId == Guid.Empty || call.Admission == CallAdmission.Duplicate)
            {
                // No call yet (a port scan, a stray client): the connection is what an operator can search for.
                // Rate-limited: two hundred idle connections must not write four hundred lines.
                violations.Report(connection.ConnectionId, connection.RemoteEndPoint, ex.Violation, ex.Message);
            }
            else
            {
                GatewayLog.ProtocolViolation(logger, call.CallId, connection.ConnectionId, ex.Violation, ex.Message);
            }

            call.EndReason = ex.Violation == AudioSocketViolation.IdleTimeout ? HangupReason.PeerTimeout : HangupReason.ProtocolError;
            await HangUpAsync(connection, call.Session, call.CallId);
        }
        catch (OperationCanceledException) when (call.Session is { } session && session.Lifetime.IsCancellationRequested)
        {
            // A publish was cut short because the call ended (socket gone, or the bot hung up).
            call.EndReason = session.Ended.IsCompleted ? ToHangupReason(await session.Ended) : HangupReason.CallerHungUp;
        }
        catch (IOException)
        {
            // Connection reset: the caller is gone.
            call.EndReason = HangupReason.CallerHungUp;
        }
        catch (Exception ex)
        {
            GatewayLog.ConnectionFailed(logger, call.CallId, connection.ConnectionId, ex);
            call.EndReason = HangupReason.GatewayError;
            await HangUpAsync(connection, call.Session, call.CallId);
        }
        finally
        {
            await EndAsync(call);
        }
    }

    /// <summary>Reads and serves frames until the connection ends (its reason in <see cref="AudioSocketConnectionState.EndReason"/>).</summary>
    private async Task PumpAsync(AudioSocketConnectionState call)
    {
        var settings = options.Value;
        var input = call.Transport.Transport.Input;
        while (true)
        {
            var active = call.Phase == ConnectionPhase.Active;
            if (active)
            {
                call.Deadline.BeginRead();
            }

            // No cancellation token: a deadline that passes wakes the read (ReadDeadline), as does the session's end.
            var result = await input.ReadAsync();
            if (active)
            {
                call.Deadline.EndRead();
            }

            var buffer = result.Buffer;
            try
            {
                if (result.IsCanceled)
                {
                    if (call.Session is { Ended.IsCompleted: true } session)
                    {
                        // The session ended from the write side (bot hang-up sent, socket gone).
                        call.EndReason = ToHangupReason(await session.Ended);
                        return;
                    }

                    if (call.Deadline.Expired)
                    {
                        if (call.Phase != ConnectionPhase.AwaitingFirstAudio)
                        {
                            throw new AudioSocketProtocolException(
                                AudioSocketViolation.IdleTimeout,
                                call.Phase == ConnectionPhase.AwaitingUuid
                                    ? $"No UUID within {settings.UuidTimeout.TotalMilliseconds} ms of connecting."
                                    : $"Nothing received for {settings.IdleTimeout.TotalMilliseconds} ms.");
                        }

                        // No audio yet to tell the rate: start at 8 kHz, what AudioSocket() always uses.
                        await EnsureSessionAsync(call, 8000);
                    }
                }

                while (AudioSocketFrameReader.TryRead(ref buffer, settings.MaxPayloadBytes, out var frame))
                {
                    call.Validate(frame);
                    if (!await OnFrameAsync(call, frame))
                    {
                        return;
                    }
                }

                if (result.IsCompleted)
                {
                    // EOF: Asterisk closed the socket, which is how a caller hang-up looks.
                    call.EndReason = HangupReason.CallerHungUp;
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

    /// <summary>Serves one valid frame; <see langword="false"/> when the connection ends with it.</summary>
    private async ValueTask<bool> OnFrameAsync(AudioSocketConnectionState call, AudioSocketFrame frame)
    {
        switch (frame.Kind)
        {
            case AudioSocketKind.Uuid:
                return await AdmitAsync(call);

            case AudioSocketKind.Dtmf:
                var keySession = await EnsureSessionAsync(call, 8000);
                if (call.Admission == CallAdmission.Admitted)
                {
                    await call.Inbound(keySession, control, options.Value).OnDtmfAsync((char)frame.Payload.FirstSpan[0]);
                }

                return true;

            case AudioSocketKind.Hangup:
                // Asterisk never sends it (it just closes the socket); a peer that does is hanging up.
                call.EndReason = HangupReason.CallerHungUp;
                return false;

            default:
                var sampleRate = frame.Kind.SampleRate();
                var session = await EnsureSessionAsync(call, sampleRate);
                if (call.Admission == CallAdmission.Admitted)
                {
                    await call.Inbound(session, control, options.Value).OnAudioAsync(frame.Payload, sampleRate);
                }

                return true;
        }
    }

    /// <summary>The UUID: admission (a line, busy, draining, or a duplicate of a live call).</summary>
    private async ValueTask<bool> AdmitAsync(AudioSocketConnectionState call)
    {
        var connection = call.Transport;
        var callId = call.AnnouncedCallId;
        call.CallId = callId;
        var admission = calls.TryAdmit(callId, call.ConnectedAt);
        call.Admission = admission;
        metrics.AdmissionRefused(admission);
        if (admission == CallAdmission.Duplicate)
        {
            // Logged under the connection: the id belongs to a call still running elsewhere, whose logs must not say
            // it ended. Refused like a full server: the busy phrase.
            GatewayLog.DuplicateCall(logger, connection.ConnectionId, connection.RemoteEndPoint, callId);
            call.AwaitFirstAudio(options.Value.FirstAudioTimeout);
            return true;
        }

        call.Scope = GatewayLog.CallScope(logger, callId);
        GatewayLog.CallConnected(logger, callId, connection.RemoteEndPoint, connection.ConnectionId);
        if (admission == CallAdmission.Draining)
        {
            // Accepted just before the listener closed: an immediate hang-up lets the dialplan route it elsewhere.
            DrainLog.CallRefused(logger, callId);
            call.EndReason = HangupReason.Shutdown;
            await HangUpAsync(connection, session: null, callId);
            return false;
        }

        if (admission == CallAdmission.Busy)
        {
            GatewayLog.CallRefused(logger, callId, connection.RemoteEndPoint, calls.ActiveCalls, calls.MaxCalls);
        }

        call.AwaitFirstAudio(options.Value.FirstAudioTimeout);
        return true;
    }

    /// <summary>The call's session, started by the first audio or key (or at 8 kHz when none comes in time).</summary>
    private async ValueTask<CallSession> EnsureSessionAsync(AudioSocketConnectionState call, int sampleRate)
    {
        if (call.Session is { } session)
        {
            return session;
        }

        call.Deadline.Disarm();   // the session's start is not the caller's idle time
        session = await StartSessionAsync(call.Transport, call.CallId, sampleRate, call.Admission!.Value, call.ConnectedAt);
        call.Session = session;
        call.Phase = ConnectionPhase.Active;
        call.Deadline.ArmIdle(options.Value.IdleTimeout);
        return session;
    }

    /// <summary>However the connection ended: the session closed, the call's end reported, its line freed, logged.</summary>
    private async Task EndAsync(AudioSocketConnectionState call)
    {
        var connection = call.Transport;
        var callId = call.CallId;
        call.Deadline.Dispose();
        var session = call.Session;
        if (call.Admission == CallAdmission.Admitted && session is null)
        {
            // The caller left (or broke the protocol) between the UUID and the first audio: the call existed, so it
            // is started and ended like any other and gets its record and outcome.
            session = await TryStartSessionForRecordAsync(connection, callId, call.ConnectedAt);
        }

        if (session is not null)
        {
            pacer.Remove(session);
            await CloseAsync(connection, session);
            session.Recorder?.Complete();   // no more frames: the writer finishes the file
        }

        var endReason = call.EndReason;
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

        if (call.Admission == CallAdmission.Admitted)
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

        if (call.Admission == CallAdmission.Duplicate)
        {
            GatewayLog.DuplicateClosed(logger, connection.ConnectionId, callId);
        }
        else if (callId != Guid.Empty)
        {
            GatewayLog.CallEnded(logger, callId, endReason?.ToString() ?? "BotHungUp");
        }

        session?.Dispose();
        call.Scope?.Dispose();
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
}
