namespace Voicebot.Records.Storage;

/// <summary>What sets one SQL store apart in <see cref="SqlCallRecordStore"/>'s statements.</summary>
/// <param name="Name">The store's name in the logs (<c>sqlite</c>, <c>postgres</c>).</param>
/// <param name="RecordColumn">How to select the <c>record</c> column as JSON text.</param>
/// <param name="SchemaTableSql">Creates the table of applied migrations, if missing.</param>
/// <param name="PingSql">A cheap query that fails when the store cannot be reached.</param>
/// <param name="Migrations">The schema steps, in order.</param>
internal sealed record SqlStoreDialect(
    string Name, string RecordColumn, string SchemaTableSql, string PingSql, IReadOnlyList<SchemaMigration> Migrations);
