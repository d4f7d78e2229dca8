using Microsoft.Extensions.Options;
using Voicebot.Conversation.Flows;
using Voicebot.Conversation.Phrases;
using Voicebot.Grains.Calls;

namespace Voicebot.Grains.Conversation;

/// <summary>The configured flow and its phrase catalog, loaded and validated once at start-up.</summary>
public sealed class ConversationAssets
{
    public ConversationAssets(IOptions<CallOptions> options, ContentPaths paths)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(paths);
        var call = options.Value;
        var assets = paths.Resolve(call.AssetsDirectory);
        Phrases = PhraseCatalog.Load(Path.Combine(assets, "phrases"), call.Language);
        Flow = FlowLoader.Load(Path.Combine(assets, "flows"), call.Flow, Phrases);
    }

    public ConversationAssets(FlowDefinition flow, PhraseCatalog phrases)
    {
        Flow = flow;
        Phrases = phrases;
    }

    public FlowDefinition Flow { get; }

    public PhraseCatalog Phrases { get; }
}
