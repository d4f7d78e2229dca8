using Serilog;
using Voicebot.Host;

Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateBootstrapLogger();
try
{
    var app = VoicebotHost.Build(args);
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is not OperationCanceledException)
{
    Log.Fatal(ex, "Voicebot host stopped unexpectedly");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
