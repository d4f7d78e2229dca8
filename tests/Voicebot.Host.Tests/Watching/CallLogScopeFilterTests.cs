using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Voicebot.Grains.Calls;
using Voicebot.Host.Watching;

namespace Voicebot.Host.Tests.Watching;

public sealed class CallLogScopeFilterTests : IDisposable
{
    private readonly FakeLogCollector _logs = new();
    private readonly ILoggerFactory _loggers;

    // One factory, as in the host: its loggers share the scopes (the filter opens one, a provider's logger sees it).
    public CallLogScopeFilterTests()
    {
        _loggers = LoggerFactory.Create(logging => logging.AddProvider(new FakeLoggerProvider(_logs)));
    }

    [Fact]
    public async Task CallIntoACallGrain_WhatItLogs_CarriesTheCallIdScope()
    {
        var callId = Guid.NewGuid();
        var provider = _loggers.CreateLogger("Voicebot.Providers.Espeak");
        var context = GrainCall.Create(RuntimeHelpers.GetUninitializedObject(typeof(CallGrain)), GrainId.Create(GrainType.Create("call"), GrainIdKeyExtensions.CreateGuidKey(callId)),
            () => provider.LogInformation("synthesizing"));

        await Filter().Invoke(context);

        var record = Assert.Single(_logs.GetSnapshot());
        var scope = Assert.IsAssignableFrom<IEnumerable<KeyValuePair<string, object?>>>(Assert.Single(record.Scopes));
        Assert.Contains(scope, pair => pair.Key == "CallId" && Equals(pair.Value, callId));
    }

    [Fact]
    public async Task CallIntoAnotherGrain_NoScope()
    {
        var provider = _loggers.CreateLogger("Voicebot.Grains.Phrases");
        var context = GrainCall.Create(new object(), GrainId.Create("phrasecache", "fr"), () => provider.LogInformation("rendering"));

        await Filter().Invoke(context);

        Assert.Empty(Assert.Single(_logs.GetSnapshot()).Scopes);
    }

    public void Dispose() => _loggers.Dispose();

    private CallLogScopeFilter Filter() => new(_loggers.CreateLogger<CallLogScopeFilter>());

    /// <summary>The three members the filter uses; any other member of the context throws.</summary>
    public class GrainCall : DispatchProxy
    {
        private object _grain = null!;
        private GrainId _target;
        private Action _body = null!;

        public static IIncomingGrainCallContext Create(object grain, GrainId target, Action body)
        {
            var proxy = Create<IIncomingGrainCallContext, GrainCall>();
            var call = (GrainCall)(object)proxy;
            call._grain = grain;
            call._target = target;
            call._body = body;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            switch (targetMethod?.Name)
            {
                case "get_Grain":
                    return _grain;
                case "get_TargetId":
                    return _target;
                case "Invoke":
                    _body();
                    return Task.CompletedTask;
                default:
                    throw new NotSupportedException(targetMethod?.Name);
            }
        }
    }
}
