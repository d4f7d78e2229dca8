using System.CommandLine;
using Voicebot.Cli.Commands;

var root = new RootCommand("Voicebot.Orleans: run the bot, manage its phrase cache, and place simulated calls.")
{
    ServeCommand.Create(),
    CallCommand.Create(),
    CacheCommand.Create(),
    RecordingsCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
