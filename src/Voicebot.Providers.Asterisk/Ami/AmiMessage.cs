namespace Voicebot.Providers.Asterisk.Ami;

/// <summary>
/// One AMI message as received: its <c>Key: Value</c> lines in order. Keys compare case-insensitively (Asterisk is not
/// consistent: <c>ActionID</c>, <c>Uniqueid</c>); a key may repeat (<c>Variable</c> in a <c>Status</c> event). Immutable.
/// </summary>
public sealed class AmiMessage
{
    private readonly KeyValuePair<string, string>[] _fields;

    public AmiMessage(IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _fields = [.. fields];
    }

    /// <summary>The lines in the order received. A line without a colon has an empty key.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    /// <summary>The value of the first line with <paramref name="key"/>, or <see langword="null"/>.</summary>
    public string? this[string key]
    {
        get
        {
            foreach (var field in _fields)
            {
                if (string.Equals(field.Key, key, StringComparison.OrdinalIgnoreCase))
                {
                    return field.Value;
                }
            }

            return null;
        }
    }

    /// <summary><c>Response</c> (<c>Success</c>, <c>Error</c>, <c>Goodbye</c>…) when this is a reply to an action.</summary>
    public string? Response => this["Response"];

    /// <summary><c>Event</c> when this is an event (unsolicited, or an item of a list reply).</summary>
    public string? EventName => this["Event"];

    /// <summary>The <c>ActionID</c> echoed from the action, when any.</summary>
    public string? ActionId => this["ActionID"];

    /// <summary>The human-readable <c>Message</c> of a reply.</summary>
    public string? MessageText => this["Message"];

    /// <summary>Every value of <paramref name="key"/>, in order.</summary>
    public IEnumerable<string> GetAll(string key)
    {
        foreach (var field in _fields)
        {
            if (string.Equals(field.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                yield return field.Value;
            }
        }
    }

    /// <summary>
    /// The value of the channel variable <paramref name="name"/> from the <c>Variable: NAME=value</c> lines a
    /// <c>Status</c> event carries when asked with <c>Variables</c> (manager.c <c>action_status</c>), or from the
    /// <c>ChanVariable: NAME=value</c> lines of a channel snapshot (manager.conf <c>channelvars</c>).
    /// </summary>
    public string? GetChannelVariable(string name)
    {
        foreach (var field in _fields)
        {
            if (!string.Equals(field.Key, "Variable", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(field.Key, "ChanVariable", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var line = field.Value;
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && line.AsSpan(0, equals).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(equals + 1)..];
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", _fields.Select(f => $"{f.Key}: {f.Value}"));
}
