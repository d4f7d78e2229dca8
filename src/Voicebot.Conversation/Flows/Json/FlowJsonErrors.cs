using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Voicebot.Conversation.Flows.Json;

/// <summary>
/// Explains why <see cref="FlowJsonContext"/> refused a flow file in the words of whoever edits it: the member, what it
/// must be and the JSON path. System.Text.Json's own messages name .NET types, which mean nothing in a flow file.
/// </summary>
/// <remarks>
/// Follows the exception's path through the document and the generated contract side by side, then looks at where the
/// reader stopped: a member the contract lacks, a member given twice, a value of the wrong kind, a required member
/// missing, or a state whose <c>expect</c> is unknown.
/// </remarks>
internal static class FlowJsonErrors
{
    public static FlowProblem Explain(JsonElement root, JsonException exception)
    {
        var path = exception.Path ?? "$";
        var cursor = new Cursor(root);
        foreach (var segment in Segments(path))
        {
            if (!cursor.TryStep(segment, out var stepProblem))
            {
                return At(stepProblem ?? cursor.Explain(exception), path);
            }
        }

        return At(cursor.Explain(exception), path);
    }

    /// <summary>A state without <c>expect</c>: System.Text.Json reports it as unsupported, without a path.</summary>
    public static FlowProblem ExplainMissingKind(JsonElement root, NotSupportedException exception)
    {
        if (root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("states", out var states)
            && states.ValueKind == JsonValueKind.Object)
        {
            foreach (var state in states.EnumerateObject())
            {
                if (state.Value.ValueKind == JsonValueKind.Object && !state.Value.TryGetProperty(FlowStateDocument.DiscriminatorName, out _))
                {
                    return At(new FlowProblem(state.Name, $"'{FlowStateDocument.DiscriminatorName}' is missing ({StateKinds()})"), $"$.states.{state.Name}");
                }
            }
        }

        return new FlowProblem(null, $"the flow cannot be read: {exception.Message}");
    }

    private static FlowProblem At(FlowProblem problem, string path) => problem with { Description = $"{problem.Description} (at {path})." };

    private static string StateKinds() => string.Join(", ", StatePolymorphism().DerivedTypes.Select(d => d.TypeDiscriminator));

    private static JsonPolymorphismOptions StatePolymorphism() => FlowJsonContext.Default.FlowStateDocument.PolymorphismOptions!;

    /// <summary>Splits a System.Text.Json path (<c>$.states.X.options[1]['odd name']</c>) into member names and indexes.</summary>
    private static List<PathSegment> Segments(string path)
    {
        var segments = new List<PathSegment>();
        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = i + 1;
                while (end < path.Length && path[end] is not ('.' or '['))
                {
                    end++;
                }

                segments.Add(new PathSegment(path[(i + 1)..end], null));
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['", StringComparison.Ordinal))
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    break;
                }

                segments.Add(new PathSegment(path[(i + 2)..end], null));
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    break;
                }

                segments.Add(new PathSegment(null, index));
                i = end + 1;
            }
            else
            {
                break;
            }
        }

        return segments;
    }

    private readonly record struct PathSegment(string? Name, int? Index);

    /// <summary>A position in the document with the contract that applies there.</summary>
    private sealed class Cursor(JsonElement root)
    {
        private JsonElement _element = root;
        private JsonTypeInfo _info = FlowJsonContext.Default.FlowDocument;
        private string _what = "the flow";
        private string? _member;
        private JsonConverter? _converter;
        private string? _state;
        private bool _atState;

        /// <summary>Names the element in a problem with one of its members: an option, a branch, <c>system</c>; not the flow or a state.</summary>
        private string _where = string.Empty;

        public bool TryStep(PathSegment segment, out FlowProblem? problem)
        {
            problem = ResolveStateKind();
            if (problem is not null)
            {
                return false;
            }

            switch (_info.Kind)
            {
                case JsonTypeInfoKind.Object when _element.ValueKind == JsonValueKind.Object && segment.Name is { } name:
                    return TryStepIntoMember(name, out problem);
                case JsonTypeInfoKind.Dictionary when _element.ValueKind == JsonValueKind.Object && segment.Name is { } key:
                    if (Count(_element, key) > 1)
                    {
                        problem = new FlowProblem(key, "the state is defined twice");
                        return false;
                    }

                    Move(_element.GetProperty(key), _info.ElementType!, "a state", member: null);
                    _state = key;
                    _atState = true;
                    _where = string.Empty;
                    return true;
                case JsonTypeInfoKind.Enumerable when _element.ValueKind == JsonValueKind.Array && segment.Index is { } index && index < _element.GetArrayLength():
                    var number = (index + 1).ToString(CultureInfo.InvariantCulture);
                    Move(_element[index], _info.ElementType!, _member == "options" ? $"option {number}" : $"'{_member}' item {number}", member: null);
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>What is wrong with the element the reader stopped on.</summary>
        public FlowProblem Explain(Exception exception)
        {
            if (ResolveStateKind() is { } kindProblem)
            {
                return kindProblem;
            }

            var type = Nullable.GetUnderlyingType(_info.Type) ?? _info.Type;
            var (fits, expected) = _info.Kind switch
            {
                JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => (_element.ValueKind == JsonValueKind.Object, "a JSON object"),
                JsonTypeInfoKind.Enumerable => (_element.ValueKind == JsonValueKind.Array, "an array"),
                _ when _converter is DtmfKeyJsonConverter => (_element.ValueKind is JsonValueKind.String or JsonValueKind.Number, "a string or a number"),
                _ when type == typeof(string) => (_element.ValueKind == JsonValueKind.String, "a string"),
                _ when type == typeof(double) => (_element.ValueKind == JsonValueKind.Number, _member?.EndsWith("Seconds", StringComparison.Ordinal) == true ? "a number of seconds" : "a number"),
                _ when type == typeof(bool) => (_element.ValueKind is JsonValueKind.True or JsonValueKind.False, "true or false"),
                _ => (true, string.Empty),
            };
            if (!fits)
            {
                return Problem($"{_what} must be {expected}");
            }

            if (_info.Kind == JsonTypeInfoKind.Object)
            {
                foreach (var property in _info.Properties)
                {
                    if (property.IsRequired && !_element.TryGetProperty(property.Name, out _))
                    {
                        return Problem($"{_where}'{property.Name}' is missing");
                    }
                }
            }

            return Problem($"{_what} cannot be read: {exception.Message}");
        }

        private bool TryStepIntoMember(string name, out FlowProblem? problem)
        {
            var property = _info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
            if (Count(_element, name) > 1)
            {
                problem = Problem($"{_what} has '{name}' twice");
                return false;
            }

            if (property is null)
            {
                IEnumerable<string> allowed = _atState ? [FlowStateDocument.DiscriminatorName, .. _info.Properties.Select(p => p.Name)] : _info.Properties.Select(p => p.Name);
                problem = Problem($"{_what} does not take '{name}' (allowed: {string.Join(", ", allowed)})");
                return false;
            }

            Move(_element.GetProperty(name), property.PropertyType, $"'{name}'", name);
            _converter = property.CustomConverter;
            problem = null;
            return true;
        }

        /// <summary>Within a state, switches to the contract of its kind (its <c>expect</c>).</summary>
        private FlowProblem? ResolveStateKind()
        {
            if (_info.PolymorphismOptions is not { } polymorphism || _element.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var discriminator = polymorphism.TypeDiscriminatorPropertyName;
            if (!_element.TryGetProperty(discriminator, out var kind))
            {
                return Problem($"'{discriminator}' is missing ({StateKinds()})");
            }

            if (Count(_element, discriminator) > 1)
            {
                return Problem($"{_what} has '{discriminator}' twice");
            }

            var text = kind.ValueKind == JsonValueKind.String ? kind.GetString() : kind.GetRawText();
            foreach (var derived in polymorphism.DerivedTypes)
            {
                if (derived.TypeDiscriminator is string known && string.Equals(known, text, StringComparison.Ordinal))
                {
                    _info = _info.Options.GetTypeInfo(derived.DerivedType);
                    _what = $"{(known[0] is 'a' or 'e' or 'i' or 'o' or 'u' ? "an" : "a")} '{known}' state";
                    return null;
                }
            }

            return Problem($"{discriminator} '{text}' is unknown ({StateKinds()})");
        }

        private void Move(JsonElement element, Type type, string what, string? member)
        {
            _element = element;
            _info = _info.Options.GetTypeInfo(type);
            _what = what;
            _member = member;
            _converter = null;
            _atState = false;
            _where = what + ": ";
        }

        private FlowProblem Problem(string description) => new(_state, description);

        private static int Count(JsonElement element, string name)
        {
            var count = 0;
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.Ordinal))
                {
                    count++;
                }
            }

            return count;
        }
    }
}
