using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Serilog;
using Voicebot.Gateway;
using Voicebot.Grains;
using Voicebot.Host.Hosting;
using Voicebot.Host.Http;
using Voicebot.Host.Tuning;
using Voicebot.Host.Watching;
using Voicebot.Providers.Asterisk;
using Voicebot.Providers.Local;
using Voicebot.Recordings;
using Voicebot.Records;
using Voicebot.Streaming;

namespace Voicebot.Host;

/// <summary>
/// The composition root: one process runs the Orleans silo, the co-hosted AudioSocket gateway and the HTTP endpoint.
/// Used by <c>Program</c>, by <c>voicebot serve</c> and by the end-to-end tests.
/// </summary>
public static class VoicebotHost
{
    /// <summary>Builds the application. <paramref name="configure"/> may add configuration or replace services (tests).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = FindContentRoot(),
        });
        builder.Configuration.AddDotEnvFile(Path.Combine(builder.Environment.ContentRootPath, ".env"));
        configure?.Invoke(builder);

        // Program's bootstrap logger is handed the final configuration; any other host (tests run several in one
        // process) keeps a logger of its own instead of taking over the static one, so each writes its own files.
        builder.Services.AddSerilog(
            (services, log) => log
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext(),
            preserveStaticLogger: Log.Logger is not Serilog.Extensions.Hosting.ReloadableLogger);

        var orleans = builder.Configuration.GetSection(OrleansHostOptions.SectionName).Get<OrleansHostOptions>() ?? new OrleansHostOptions();
        builder.Services.AddOptionsWithValidateOnStart<OrleansHostOptions, OrleansHostOptionsValidator>()
            .Bind(builder.Configuration.GetSection(OrleansHostOptions.SectionName));
        builder.UseOrleans(silo =>
        {
            silo.UseVoicebotClustering(orleans);
            silo.AddCallMediaStreams(orleans.StreamQueueCount, orleans.StreamPullingPeriod);
        });

        // Order matters: hosted services start in registration order, and the phrase warm-up (added by AddVoicebotGrains)
        // must run after the silo and before Kestrel starts accepting calls.
        builder.Services.AddVoicebotGrains(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddVoicebotSpeech(builder.Configuration);
        builder.Services.AddLocalTechnicianAvailability(builder.Configuration);
        builder.Services.AddCallRecords(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddAsteriskAmi(builder.Configuration);
        builder.Services.AddAudioSocketGateway(builder.Configuration);
        builder.Services.AddCallRecordings(builder.Configuration, builder.Environment.ContentRootPath);

        builder.Services.AddOptionsWithValidateOnStart<HttpOptions, HttpOptionsValidator>()
            .Bind(builder.Configuration.GetSection(HttpOptions.SectionName));
        builder.Services.AddSingleton<IConfigureOptions<KestrelServerOptions>, HttpKestrelSetup>();
        builder.Services.AddSingleton<CallLookup>();
        builder.Services.AddHostedService<Records.InterruptedCallRecovery>();
        builder.AddVoicebotWatching();
        builder.Services.AddSingleton<Serilog.Core.ILogEventFilter, PlannedUnreadinessLogFilter>();
        builder.Services.AddSingleton<Serilog.Core.ILogEventFilter, OperatorNoiseLogFilter>();

        // Last hosted service before Kestrel's: applies the GC settings once everything else has started.
        builder.Services.AddOptionsWithValidateOnStart<RuntimeTuningOptions, RuntimeTuningOptionsValidator>()
            .Bind(builder.Configuration.GetSection(RuntimeTuningOptions.SectionName));
        builder.Services.AddHostedService<RuntimeTuning>();

        var app = builder.Build();
        app.MapVoicebotWatching();
        app.MapCallEndpoints();
        app.MapClusterEndpoints();
        return app;
    }

    /// <summary>
    /// The content root: <c>VOICEBOT_CONTENT_ROOT</c> when set, else the binaries' directory, which holds
    /// appsettings.json and a copy of <c>assets/</c>. Relative paths in the configuration (data, cache) start there.
    /// </summary>
    public static string FindContentRoot() =>
        Environment.GetEnvironmentVariable("VOICEBOT_CONTENT_ROOT") is { Length: > 0 } root ? Path.GetFullPath(root) : AppContext.BaseDirectory;

    private sealed class HttpKestrelSetup(IOptions<HttpOptions> options) : IConfigureOptions<KestrelServerOptions>
    {
        // Endpoints are configured in code (the AudioSocket one is), so HTTP must be too.
        public void Configure(KestrelServerOptions kestrel) =>
            kestrel.Listen(IPAddress.Parse(options.Value.ListenAddress), options.Value.Port);
    }
}

[OptionsValidator]
internal sealed partial class OrleansHostOptionsValidator : IValidateOptions<OrleansHostOptions>
{
}

[OptionsValidator]
internal sealed partial class HttpOptionsValidator : IValidateOptions<HttpOptions>
{
}

[OptionsValidator]
internal sealed partial class RuntimeTuningOptionsValidator : IValidateOptions<RuntimeTuningOptions>
{
}
