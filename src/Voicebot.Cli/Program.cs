using System.CommandLine;
using Voicebot.Cli.Commands;

var root = new RootCommand("Voicebot.Orleans: run the bot, place simulated calls, and operate it (records, recordings, phrase cache, set-up check).")
{
    ServeCommand.Create(),
    CallCommand.Create(),
    CallsCommand.Create(),
    CacheCommand.Create(),
    DoctorCommand.Create(),
    RecordingsCommand.Create(),
};

var parsed = root.Parse(args);

// `serve` drains its calls on SIGTERM for minutes (Drain:Deadline): the host's own signal handling runs that stop, so
// System.CommandLine must not turn the signal into exit code 143 after its default 2 s.
var serving = parsed.CommandResult.Command.Name == "serve";
if (serving)
{
    InlineSocketCompletions.PreferUnlessSet();   // before any socket exists: the runtime reads it once
}

var invocation = serving
    ? new InvocationConfiguration { ProcessTerminationTimeout = null }
    : new InvocationConfiguration();
return await parsed.InvokeAsync(invocation);
