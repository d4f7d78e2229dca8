using Voicebot.Conversation.Flows;
using Voicebot.Conversation.Phrases;

namespace Voicebot.Conversation.Tests;

/// <summary>The real assets, loaded once: the tests run the flows and phrases that ship.</summary>
internal static class TestAssets
{
    public static PhraseCatalog French { get; } = PhraseCatalog.Load(RepositoryPaths.Phrases, "fr");

    public static FlowDefinition Sav { get; } = FlowLoader.Load(RepositoryPaths.Flows, "sav", French);

    public static FlowDefinition MobileOnly { get; } = FlowLoader.Load(RepositoryPaths.Flows, "sav-mobile-only", French);
}
