using Microsoft.Extensions.Logging;

namespace Voicebot.Providers.Asterisk;

/// <summary>
/// Log events of the Asterisk AMI integration. Ids are stable (alerts key on them): retire an id, never reuse it.
/// The AMI secret is never an argument.
/// </summary>
internal static partial class AsteriskLog
{
    [LoggerMessage(1, LogLevel.Information, "AMI connected to {Host}:{Port} as {Username} ({Banner}).", EventName = "AmiConnected")]
    public static partial void AmiConnected(ILogger logger, string host, int port, string username, string banner);

    [LoggerMessage(2, LogLevel.Warning, "AMI could not connect to {Host}:{Port}: {Reason}", EventName = "AmiConnectFailed")]
    public static partial void AmiConnectFailed(ILogger logger, string host, int port, string reason);

    [LoggerMessage(3, LogLevel.Error,
        "AMI login to {Host}:{Port} as {Username} refused: {Reply}. Check the user and secret in manager.conf and Asterisk__Ami__Secret; retrying in {Delay}.",
        EventName = "AmiLoginRefused")]
    public static partial void AmiLoginRefused(ILogger logger, string host, int port, string username, string reply, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Warning, "AMI connection to {Host}:{Port} lost: {Reason}", EventName = "AmiDisconnected")]
    public static partial void AmiDisconnected(ILogger logger, string host, int port, string reason);

    [LoggerMessage(5, LogLevel.Information, "AMI reconnecting to {Host}:{Port} in {Delay} (attempt {Attempt}).", EventName = "AmiReconnecting")]
    public static partial void AmiReconnecting(ILogger logger, string host, int port, TimeSpan delay, int attempt);

    [LoggerMessage(6, LogLevel.Warning, "AMI keep-alive to {Host}:{Port} failed, dropping the connection: {Reason}", EventName = "AmiPingFailed")]
    public static partial void AmiPingFailed(ILogger logger, string host, int port, string reason);

    [LoggerMessage(7, LogLevel.Warning, "AMI event handler failed on {EventName}.", EventName = "AmiEventHandlerFailed")]
    public static partial void AmiEventHandlerFailed(ILogger logger, string? eventName, Exception exception);

    [LoggerMessage(8, LogLevel.Debug, "AMI reply with unknown ActionID {ActionId} ignored.", EventName = "AmiUnmatchedResponse")]
    public static partial void AmiUnmatchedResponse(ILogger logger, string? actionId);

    [LoggerMessage(20, LogLevel.Information,
        "Call {CallId}: technician available = {Available} (queue {Queue}: {AvailableMembers} available of {LoggedIn} logged in, {Callers} waiting; cached {Cached}).",
        EventName = "AmiTechnicianAvailabilityChecked")]
    public static partial void TechnicianAvailabilityChecked(
        ILogger logger, Guid callId, bool available, string queue, int availableMembers, int loggedIn, int callers, bool cached);

    [LoggerMessage(21, LogLevel.Warning,
        "Call {CallId}: technician not available because AMI is down ({Reason}).", EventName = "AmiTechnicianAvailabilityUnknown")]
    public static partial void TechnicianAvailabilityUnknown(ILogger logger, Guid callId, string reason);

    [LoggerMessage(22, LogLevel.Warning,
        "Call {CallId}: queue {Queue} not found in Asterisk's QueueSummary; technician not available. Check queues.conf and Asterisk:Ami:Queue.",
        EventName = "AmiQueueNotFound")]
    public static partial void QueueNotFound(ILogger logger, Guid callId, string queue);

    [LoggerMessage(30, LogLevel.Information,
        "Call {CallId}: redirected channel {Channel} to {Context},{Extension},{Priority} with {VariableCount} variables.",
        EventName = "AmiCallTransferred")]
    public static partial void CallTransferred(ILogger logger, Guid callId, string channel, string context, string extension, string priority, int variableCount);

    [LoggerMessage(31, LogLevel.Warning,
        "Call {CallId}: no channel has {Variable}={CallId} among {ChannelCount}; the dialplan routes on the outcome instead. Does the dialplan set it before AudioSocket()?",
        EventName = "AmiCallChannelNotFound")]
    public static partial void CallChannelNotFound(ILogger logger, Guid callId, string variable, int channelCount);

    [LoggerMessage(32, LogLevel.Warning,
        "Call {CallId}: AMI {Action} on {Channel} refused: {Reply}; the dialplan routes on the outcome instead.",
        EventName = "AmiCallTransferRefused")]
    public static partial void CallTransferRefused(ILogger logger, Guid callId, string action, string? channel, string? reply);

    [LoggerMessage(33, LogLevel.Warning,
        "Call {CallId}: AMI transfer not possible ({Reason}); the dialplan routes on the outcome instead.",
        EventName = "AmiCallTransferUnavailable")]
    public static partial void CallTransferUnavailable(ILogger logger, Guid callId, string reason);
}
