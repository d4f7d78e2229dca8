using Voicebot.Bench;

return await BenchCommand.Create().Parse(args).InvokeAsync();
