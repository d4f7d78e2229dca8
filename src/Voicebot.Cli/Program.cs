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

return await root.Parse(args).InvokeAsync();
