namespace Voicebot.Records.Storage;

/// <summary>One numbered step of a store's schema. Steps are applied in order, each once, and never edited once shipped.</summary>
internal sealed record SchemaMigration(int Version, string Description, string Sql);
