using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Voicebot.Gateway;
using Voicebot.Grains.Calls;
using Voicebot.Grains.Phrases;
using Voicebot.Host.Hosting;
using Voicebot.Host.Http;
using Voicebot.Providers.Asterisk.Ami;
using Voicebot.Recordings;
using Voicebot.Records;
using Voicebot.Records.Storage;

namespace Voicebot.Cli.Doctor;

/// <summary>
/// The set-up checks of <c>voicebot doctor</c>, run against the host exactly as <c>voicebot serve</c> would build it
/// (same configuration sources, same registrations), without starting it.
/// </summary>
internal sealed class SetupChecks(IServiceProvider services, IConfiguration configuration, string contentRoot)
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(10);

    public async Task<IReadOnlyList<SetupCheckResult>> RunAllAsync(CancellationToken cancellationToken)
    {
        var results = new List<SetupCheckResult>
        {
            Runtime(),
            Configuration(),
        };
        results.Add(await ToolAsync("espeak-ng", configuration["Espeak:ExecutablePath"] ?? "espeak-ng", "--version",
            "the embedded French voice and the fallback of every cloud voice", "sudo apt-get install espeak-ng", cancellationToken));
        results.Add(await ArchiverAsync(cancellationToken));
        results.AddRange(Secrets());
        results.AddRange(Directories());
        results.Add(PhraseCache());
        results.AddRange(Ports());
        results.Add(await RecordStoreAsync(cancellationToken));
        results.Add(await AsteriskManagerAsync(cancellationToken));
        return results;
    }

    /// <summary>The call-record database answers (SQLite: the file can be created and opened; PostgreSQL: the server answers).</summary>
    private async Task<SetupCheckResult> RecordStoreAsync(CancellationToken cancellationToken)
    {
        var provider = configuration["Records:Provider"] ?? "sqlite";
        try
        {
            var store = services.GetRequiredService<ICallRecordStore>();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProcessTimeout);
            await store.PingAsync(timeout.Token);
            return SetupCheckResult.Pass("record store", $"{provider} reachable");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return SetupCheckResult.Fail("record store", $"{provider}: {ex.Message}",
                provider == "postgres"
                    ? "start PostgreSQL or correct Records__PostgresConnectionString (records queue on disk meanwhile, nothing is lost)"
                    : "make Records:SqlitePath's directory writable");
        }
    }

    private async Task<SetupCheckResult> AsteriskManagerAsync(CancellationToken cancellationToken)
    {
        var options = configuration.GetSection(AmiOptions.SectionName).Get<AmiOptions>() ?? new AmiOptions();
        if (!options.Enabled)
        {
            return SetupCheckResult.Skip("Asterisk AMI", "not configured (transfers go through the dialplan)");
        }

        var probe = await AmiProbe.CheckAsync(options, cancellationToken: cancellationToken);
        return probe.Ok
            ? SetupCheckResult.Pass("Asterisk AMI", probe.Detail)
            : SetupCheckResult.Fail("Asterisk AMI", probe.Detail, "check Asterisk:Ami:Host/Port, manager.conf (deploy/asterisk/manager.conf) and Asterisk__Ami__Secret");
    }

    /// <summary>A section bound onto its options class without validation (the configuration check reports that).</summary>
    private T Bind<T>(string section)
        where T : new() => configuration.GetSection(section).Get<T>() ?? new T();

    private static SetupCheckResult Runtime() =>
        Environment.Version.Major >= 10
            ? SetupCheckResult.Pass(".NET runtime", RuntimeInformation.FrameworkDescription)
            : SetupCheckResult.Fail(".NET runtime", RuntimeInformation.FrameworkDescription, "install the .NET 10 runtime (https://learn.microsoft.com/dotnet/core/install/linux-debian)");

    /// <summary>Every options class registered with ValidateOnStart, validated as the host would at start-up.</summary>
    private SetupCheckResult Configuration()
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return SetupCheckResult.Pass("configuration", $"valid ({Path.Combine(contentRoot, "appsettings.json")}, environment, .env)");
        }
        catch (OptionsValidationException ex)
        {
            return SetupCheckResult.Fail("configuration", string.Join("; ", ex.Failures), "correct these settings in appsettings.json, the environment or .env");
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
        {
            var failures = ex.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures);
            return SetupCheckResult.Fail("configuration", string.Join("; ", failures), "correct these settings in appsettings.json, the environment or .env");
        }
    }

    private async Task<SetupCheckResult> ArchiverAsync(CancellationToken cancellationToken)
    {
        var recordings = Bind<RecordingOptions>(RecordingOptions.SectionName);
        if (!recordings.Enabled)
        {
            return SetupCheckResult.Skip("archive encoder", "recordings are off");
        }

        var encoder = recordings.Archive.Encoder;
        var package = Path.GetFileName(encoder) is "ffmpeg" ? "ffmpeg" : "lame";
        return await ToolAsync("archive encoder", encoder, "--version", "`voicebot recordings archive` (WAV to MP3)", $"sudo apt-get install {package}", cancellationToken);
    }

    private static async Task<SetupCheckResult> ToolAsync(string name, string executable, string versionArgument, string neededFor, string fix, CancellationToken cancellationToken)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(executable, versionArgument)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProcessTimeout);
            var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            var firstLine = output.Split('\n', 2)[0].Trim();
            return SetupCheckResult.Pass(name, firstLine.Length > 0 ? firstLine : executable);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or OperationCanceledException)
        {
            return SetupCheckResult.Fail(name, $"{executable} not found or not working; needed for {neededFor}", fix);
        }
    }

    /// <summary>A key for each configured cloud provider; only whether it is set is shown, never its value.</summary>
    private IEnumerable<SetupCheckResult> Secrets()
    {
        var speech = Bind<SpeechOptions>(SpeechOptions.SectionName);
        var (recognizer, synthesizer) = (speech.Recognizer, speech.Synthesizer);
        var needs = new List<(string Provider, string[] Keys, string Variable)>();
        if (recognizer == "deepgram" || synthesizer == "deepgram")
        {
            needs.Add(("Deepgram", ["Deepgram:ApiKey"], "Deepgram__ApiKey"));
        }

        if (synthesizer == "openai")
        {
            needs.Add(("OpenAI speech", ["OpenAITts:ApiKey", "OPENAI_API_KEY"], "OpenAITts__ApiKey"));
        }

        if (configuration.GetValue("Llm:Enabled", defaultValue: false))
        {
            needs.Add(("language model", ["Llm:ApiKey"], "Llm__ApiKey"));
        }

        if (string.Equals(configuration["Records:Provider"], "postgres", StringComparison.OrdinalIgnoreCase))
        {
            needs.Add(("record store", ["Records:PostgresConnectionString"], "Records__PostgresConnectionString"));
        }

        switch (configuration["Orleans:Membership"]?.ToLowerInvariant())
        {
            case "redis":
                needs.Add(("cluster membership", ["Orleans:RedisConnectionString"], "Orleans__RedisConnectionString"));
                break;
            case "postgres":
                needs.Add(("cluster membership", ["Orleans:PostgresConnectionString"], "Orleans__PostgresConnectionString"));
                break;
        }

        if (configuration.GetValue("Asterisk:Ami:Enabled", defaultValue: false))
        {
            needs.Add(("Asterisk AMI", ["Asterisk:Ami:Secret"], "Asterisk__Ami__Secret"));
        }

        if (needs.Count == 0)
        {
            yield return SetupCheckResult.Skip("secrets", "no cloud provider, database or AMI configured: none needed");
            yield break;
        }

        foreach (var (provider, keys, variable) in needs)
        {
            var present = keys.Any(k => !string.IsNullOrWhiteSpace(configuration[k]));
            yield return present
                ? SetupCheckResult.Pass($"secret: {provider}", "set")
                : SetupCheckResult.Fail($"secret: {provider}", "missing", $"set {variable} in the environment or in {Path.Combine(contentRoot, ".env")}");
        }
    }

    private IEnumerable<SetupCheckResult> Directories()
    {
        // Bound from configuration onto the options classes, so their defaults are the host's, not copies.
        (string Key, string Path)[] directories =
        [
            ("PhraseCache:Directory", Bind<PhraseCacheOptions>(PhraseCacheOptions.SectionName).Directory),
            ("Calls:ClipDirectory", Bind<CallOptions>(CallOptions.SectionName).ClipDirectory),
            ("Recordings:Directory", Bind<RecordingOptions>(RecordingOptions.SectionName).Directory),
            ("Records:SpoolDirectory", Bind<CallRecordsOptions>(CallRecordsOptions.SectionName).SpoolDirectory),
        ];
        foreach (var (key, configured) in directories)
        {
            var path = Path.GetFullPath(configured, contentRoot);
            string? problem = null;
            try
            {
                Directory.CreateDirectory(path);
                var probe = Path.Combine(path, $".doctor-{Environment.ProcessId}");
                File.WriteAllText(probe, "ok");
                File.Delete(probe);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problem = ex.Message;
            }

            yield return problem is null
                ? SetupCheckResult.Pass($"writable: {key}", path)
                : SetupCheckResult.Fail($"writable: {key}", $"{path}: {problem}", $"give the service user write access to {path} (chown voicebot:voicebot), or set {key.Replace(":", "__", StringComparison.Ordinal)}");
        }
    }

    private SetupCheckResult PhraseCache()
    {
        var store = services.GetRequiredService<PhraseStore>();
        var rates = configuration.GetSection("PhraseCache:WarmUpRates").Get<int[]>() is { Length: > 0 } configured ? configured : [8000];
        var missing = rates.SelectMany(rate => store.MissingOnDisk(rate).Select(key => $"{key}@{rate}")).ToArray();
        return missing.Length == 0
            ? SetupCheckResult.Pass("phrase cache", $"{store.Keys.Count} phrases × {rates.Length} rate(s) in {store.CacheDirectory}")
            : SetupCheckResult.Fail("phrase cache", $"{missing.Length} phrase(s) not rendered: {string.Join(", ", missing.Take(5))}{(missing.Length > 5 ? ", …" : string.Empty)}",
                "run `voicebot cache` (the bot also renders missing phrases at start-up, delaying readiness)");
    }

    private IEnumerable<SetupCheckResult> Ports()
    {
        var audioSocket = Bind<AudioSocketOptions>(AudioSocketOptions.SectionName);
        var http = Bind<HttpOptions>(HttpOptions.SectionName);
        var orleans = Bind<OrleansHostOptions>(OrleansHostOptions.SectionName);
        (string Name, string? Address, string PortKey, int Port)[] ports =
        [
            ("AudioSocket", audioSocket.ListenAddress, "AudioSocket:Port", audioSocket.Port),
            ("HTTP", http.ListenAddress, "Http:Port", http.Port),
            ("Orleans silo", orleans.AdvertisedAddress, "Orleans:SiloPort", orleans.SiloPort),
            ("Orleans gateway", orleans.AdvertisedAddress, "Orleans:GatewayPort", orleans.GatewayPort),
        ];
        foreach (var (name, configuredAddress, portKey, port) in ports)
        {
            var address = IPAddress.TryParse(configuredAddress, out var parsed) ? parsed : IPAddress.Loopback;
            string? problem = null;
            try
            {
                using var listener = new TcpListener(address, port);
                listener.Start();
                listener.Stop();
            }
            catch (SocketException ex)
            {
                problem = ex.SocketErrorCode == SocketError.AddressAlreadyInUse ? "already in use" : ex.Message;
            }

            yield return problem is null
                ? SetupCheckResult.Pass($"port: {name}", $"{address}:{port} free")
                : SetupCheckResult.Fail($"port: {name}", $"{address}:{port} {problem}",
                    $"stop what listens there (is the bot already running? `ss -ltnp 'sport = :{port}'`) or set {portKey.Replace(":", "__", StringComparison.Ordinal)}");
        }
    }
}
