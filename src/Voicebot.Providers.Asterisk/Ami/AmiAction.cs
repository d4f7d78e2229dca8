using System.Text;

namespace Voicebot.Providers.Asterisk.Ami;

/// <summary>
/// An action to send: its name and headers, in order. The client adds the <c>ActionID</c>. Values must not contain
/// line breaks (they would end the header and inject another); <see cref="Add"/> refuses them. Not thread-safe.
/// </summary>
public sealed class AmiAction
{
    private readonly List<KeyValuePair<string, string>> _headers = [];

    public AmiAction(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ThrowIfLineBreak(name, nameof(name));
        Name = name;
    }

    /// <summary>The action (<c>Login</c>, <c>QueueSummary</c>, <c>Redirect</c>…).</summary>
    public string Name { get; }

    /// <summary>The headers after <c>Action</c>, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    /// <summary>Sets (replaces) a header; see <see cref="Add"/> for repeated keys.</summary>
    public string? this[string key]
    {
        get => _headers.FirstOrDefault(h => string.Equals(h.Key, key, StringComparison.OrdinalIgnoreCase)).Value;
        set
        {
            _headers.RemoveAll(h => string.Equals(h.Key, key, StringComparison.OrdinalIgnoreCase));
            if (value is not null)
            {
                Add(key, value);
            }
        }
    }

    /// <summary>Appends a header (AMI allows some to repeat, e.g. <c>Variable</c> in <c>Originate</c>).</summary>
    /// <exception cref="ArgumentException">The key or value contains a line break, or the key a colon.</exception>
    public AmiAction Add(string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(value);
        ThrowIfLineBreak(key, nameof(key));
        ThrowIfLineBreak(value, nameof(value));
        if (key.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"AMI header name '{key}' contains a colon.", nameof(key));
        }

        _headers.Add(new KeyValuePair<string, string>(key, value));
        return this;
    }

    /// <summary>The wire form: <c>Action</c>, <c>ActionID</c>, the headers, each ended by <c>\r\n</c>, then an empty line.</summary>
    public byte[] Serialize(string actionId)
    {
        ThrowIfLineBreak(actionId, nameof(actionId));
        var text = new StringBuilder(64 + (_headers.Count * 32));
        text.Append("Action: ").Append(Name).Append("\r\n");
        text.Append("ActionID: ").Append(actionId).Append("\r\n");
        foreach (var header in _headers)
        {
            text.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
        }

        text.Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void ThrowIfLineBreak(string value, string parameterName)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("AMI header values must not contain line breaks.", parameterName);
        }
    }
}
